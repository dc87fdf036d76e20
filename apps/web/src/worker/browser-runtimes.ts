import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '@crowd/csrnet/browser';
import type { EngineRuntimes, WebgpuAdapter } from './engines.ts';
import { loadOnnxruntimeWeb } from './onnxruntime-web.ts';
import { loadWasmBackend } from './wasm-backend.ts';
import type { OrtModule } from '@crowd/count';

/** The slice of the WebGPU API used here (TypeScript's DOM library lacks `GPUAdapter.info`, which Chromium 114+ has). */
interface Gpu {
  requestAdapter(): Promise<{
    info?: { vendor?: string; architecture?: string; isFallbackAdapter?: boolean };
    isFallbackAdapter?: boolean;
    limits: { maxStorageBufferBindingSize: number; maxBufferSize: number };
  } | null>;
}

/** The browser's WebGPU adapter, or why there is none. */
async function webgpuAdapter(): Promise<WebgpuAdapter> {
  const gpu = (navigator as unknown as { gpu?: Gpu }).gpu;
  if (gpu === undefined) throw new Error('this browser offers no WebGPU (navigator.gpu is missing)');
  const adapter = await gpu.requestAdapter();
  if (adapter === null) throw new Error('navigator.gpu.requestAdapter() found no adapter (no usable GPU, or WebGPU is turned off in this browser)');
  const name = [adapter.info?.vendor, adapter.info?.architecture].filter(Boolean).join(' ') || 'an unnamed adapter';
  const { maxStorageBufferBindingSize, maxBufferSize } = adapter.limits;
  const software = adapter.info?.architecture === 'swiftshader' || adapter.info?.isFallbackAdapter === true || adapter.isFallbackAdapter === true;
  return { name, limits: { maxStorageBufferBindingSize, maxBufferSize }, software };
}

/** The GL renderer behind tfjs's webgl backend (a GPU, or SwiftShader, a CPU emulation of one). */
function tfjsDevice(): string | undefined {
  if (tf.getBackend() !== 'webgl') return undefined;
  const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
  const info = gl?.getExtension('WEBGL_debug_renderer_info');
  const renderer = gl?.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
  return typeof renderer === 'string' ? `WebGL ${tf.env().getNumber('WEBGL_VERSION')}, ${renderer}` : undefined;
}

/** The engines' runtimes in a browser worker: onnxruntime-web, the browser's WebGPU and tfjs's browser backends. */
export function browserRuntimes(wrapOrt: (module: OrtModule) => OrtModule): EngineRuntimes {
  return {
    loadOrt: () => loadOnnxruntimeWeb(wrapOrt),
    webgpuAdapter,
    selectTfjs: (preference) => selectBackend(preference, { loadWasm: loadWasmBackend }),
    tfjsDevice,
  };
}
