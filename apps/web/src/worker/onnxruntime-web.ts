// The JSEP build runs both the wasm and the WebGPU execution providers. Vite
// emits the glue module and the binary as hashed assets of this origin, and
// their URLs are given to onnxruntime, which would otherwise look for them
// next to its own script (or on a CDN).
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import type { OrtModule } from '@crowd/count';
import type { OrtRuntime } from './engines.ts';

/** onnxruntime caps its default at 4 threads; counting has its worker to itself, so this app uses up to 8 cores. */
export const MAX_WASM_THREADS = 8;

/**
 * Threads for onnxruntime's wasm: every core up to {@link MAX_WASM_THREADS}
 * when the page is cross-origin isolated (SharedArrayBuffer, which wasm
 * threads need, exists only then), else 1.
 */
export function wasmThreads(crossOriginIsolated: boolean, cores: number): number {
  return crossOriginIsolated ? Math.max(1, Math.min(MAX_WASM_THREADS, cores)) : 1;
}

let loading: Promise<OrtRuntime> | undefined;

/**
 * Imports onnxruntime-web (once; a separate chunk, fetched only when an
 * onnxruntime engine is chosen) and configures it: the bundled wasm files,
 * the threads, and no proxy worker (this already is a worker).
 */
export function loadOnnxruntimeWeb(wrap: (module: OrtModule) => OrtModule): Promise<OrtRuntime> {
  loading ??= (async () => {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.wasmPaths = { mjs: ortMjsUrl, wasm: ortWasmUrl };
    ort.env.wasm.numThreads = wasmThreads(self.crossOriginIsolated, navigator.hardwareConcurrency);
    ort.env.wasm.proxy = false;
    return {
      runtime: 'onnxruntime-web',
      module: wrap(ort as unknown as OrtModule),
      providers: { 'ort-wasm': 'wasm', 'ort-webgpu': 'webgpu' },
      // onnxruntime sets it to 1 when it finds no SharedArrayBuffer.
      threads: () => ort.env.wasm.numThreads,
    };
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}
