import * as tf from '@tensorflow/tfjs';
import { setDeviceGuard } from '../device-guard.js';
import { CsrnetError } from '../errors.js';
import { describeAdapter, isSoftwareAdapter, plainAdapterInfo, plainLimits, type WebgpuAdapterInfo, type WebgpuDeviceInfo } from './webgpu-adapter.js';
import { vulkanDriverManifests } from './vulkan-drivers.js';
import { DeviceErrorMonitor, type ErrorReportingDevice } from './webgpu-device-errors.js';

/** Dawn's Node binding (optional peer). */
export const WEBGPU_MODULE = 'webgpu';
/** tfjs's WebGPU backend (optional peer). */
export const WEBGPU_BACKEND_MODULE = '@tensorflow/tfjs-backend-webgpu';

/**
 * Limits requested at the adapter's maximum: what tfjs-webgpu's kernels
 * bind and dispatch. A device otherwise gets WebGPU's defaults (128 MiB
 * bindings, 16 KiB workgroup storage), far below what GPUs allow.
 */
export const WEBGPU_REQUESTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
  'maxUniformBufferBindingSize',
] as const;

// Just what this file uses of WebGPU, so that compiling it needs neither @webgpu/types nor Dawn.
interface GpuDevice extends ErrorReportingDevice {
  readonly limits: object;
}
interface GpuAdapter {
  readonly info: WebgpuAdapterInfo;
  readonly limits: object;
  requestDevice(descriptor: { requiredLimits: Record<string, number> }): Promise<GpuDevice>;
}
interface Gpu {
  requestAdapter(options: { powerPreference: 'high-performance' }): Promise<GpuAdapter | null>;
}
interface DawnModule {
  create(options: string[]): Gpu;
  globals: Record<string, unknown>;
}
interface TensorData {
  values: unknown;
  dtype: string;
}
/** The parts of tfjs-backend-webgpu's `WebGPUBackend` that are overridden or read here. */
interface WebgpuKernelBackend extends tf.KernelBackend {
  tensorMap: { get(dataId: object): TensorData };
  thresholdToIncreaseWorkgroups: number;
  read(dataId: object): Promise<tf.backend_util.BackendValues>;
  readSync(dataId: object): tf.backend_util.BackendValues;
}
type WebgpuBackendClass = new (device: GpuDevice, adapterInfo?: WebgpuAdapterInfo) => WebgpuKernelBackend;

const importOptional = (name: string): Promise<unknown> => import(/* @vite-ignore */ name);

/**
 * `WebGPUBackend` that never hands out a number the device did not
 * compute: each read waits for the device's verdict on everything issued so
 * far and throws `DEVICE_ERROR` on a failure, and a synchronous read of GPU
 * data (which tfjs does through `OffscreenCanvas`, absent in Node) is a
 * clear error instead of a ReferenceError.
 */
function checkedBackendClass(Base: WebgpuBackendClass, monitor: DeviceErrorMonitor): WebgpuBackendClass {
  return class CheckedWebgpuBackend extends Base {
    override async read(dataId: object): Promise<tf.backend_util.BackendValues> {
      let values: tf.backend_util.BackendValues;
      try {
        values = await super.read(dataId);
      } catch (error) {
        await monitor.checkpoint();
        monitor.throwIfFailed('reading a tensor', error);
        throw error;
      }
      await monitor.checkpoint();
      monitor.throwIfFailed('reading a tensor');
      return values;
    }

    override readSync(dataId: object): tf.backend_util.BackendValues {
      monitor.throwIfFailed('reading a tensor');
      const data = this.tensorMap.get(dataId);
      if (data.values == null && data.dtype !== 'string') {
        throw new CsrnetError('SYNC_READ_UNSUPPORTED', undefined, 'dataSync()/arraySync() cannot read GPU data on the webgpu backend in Node (WebGPU maps buffers asynchronously); use await tensor.data() or tensor.array()');
      }
      return super.readSync(dataId);
    }
  };
}

let dawn: Promise<{ gpu: Gpu; globals: Record<string, unknown>; adapter: GpuAdapter }> | undefined;
let device: Promise<WebgpuDeviceInfo> | undefined;
let current: WebgpuDeviceInfo | undefined;

/** Dawn and its preferred adapter, once per process (Dawn keeps one instance). */
function loadAdapter(): Promise<{ gpu: Gpu; globals: Record<string, unknown>; adapter: GpuAdapter }> {
  dawn ??= (async () => {
    const { create, globals } = (await importOptional(WEBGPU_MODULE)) as DawnModule;
    const gpu = create([]);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter === null) {
      throw new Error('Dawn found no WebGPU adapter (no usable Vulkan driver: it needs libvulkan.so.1 and a driver, e.g. NVIDIA\'s or Mesa ≥ 25 lavapipe)');
    }
    return { gpu, globals, adapter };
  })();
  // A failure is not cached: a later call may run with a driver installed.
  dawn.catch(() => {
    dawn = undefined;
  });
  return dawn;
}

/** Makes Dawn the page-less `navigator.gpu` and defines the WebGPU globals (GPUBufferUsage, GPUMapMode, …) tfjs-webgpu reads. */
function installGlobals(gpu: Gpu, globals: Record<string, unknown>): void {
  const scope = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(globals)) if (!(name in scope)) scope[name] = value;
  // Node ≥ 21 has a `navigator` without `gpu`; Node 20 has none.
  const navigator = (scope.navigator ??= {}) as Record<string, unknown>;
  if (navigator.gpu === undefined) Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true, enumerable: true });
}

async function createDevice(): Promise<WebgpuDeviceInfo> {
  const { gpu, globals, adapter } = await loadAdapter();
  installGlobals(gpu, globals);
  // With navigator.gpu set, importing registers tfjs's own 'webgpu' factory (default limits); ours replaces it.
  const { WebGPUBackend } = (await importOptional(WEBGPU_BACKEND_MODULE)) as { WebGPUBackend: WebgpuBackendClass };
  const adapterLimits = plainLimits(adapter.limits);
  const requiredLimits: Record<string, number> = {};
  for (const name of WEBGPU_REQUESTED_LIMITS) if (name in adapterLimits) requiredLimits[name] = adapterLimits[name];
  const gpuDevice = await adapter.requestDevice({ requiredLimits });
  const monitor = new DeviceErrorMonitor(gpuDevice);
  const Checked = checkedBackendClass(WebGPUBackend, monitor);
  const info = plainAdapterInfo(adapter.info);
  let instance: WebgpuKernelBackend | undefined;
  if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
  // Priority 3, as tfjs-webgpu registers itself.
  tf.registerBackend('webgpu', () => (instance = new Checked(gpuDevice, adapter.info)), 3);
  const limits = plainLimits(gpuDevice.limits);
  setDeviceGuard({
    backend: 'webgpu',
    limits: { maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize, maxBufferSize: limits.maxBufferSize },
    convOptions() {
      // tfjs's conv2d reads the same flag and threshold (kernels/Conv2D_impl).
      const flag = tf.env().getNumber('WEBGPU_THRESHOLD_TO_INCREASE_WORKGROUPS_FOR_MATMUL');
      return {
        im2colWorkgroups: flag > -1 ? flag : (instance?.thresholdToIncreaseWorkgroups ?? 16),
        separateIm2col: tf.env().getBool('WEBGPU_CONV_SEPARATE_IM2COL_SHADER'),
      };
    },
    throwIfFailed: (where) => monitor.throwIfFailed(where),
  });
  current = { adapter: info, software: isSoftwareAdapter(info), limits };
  return current;
}

/** Options of {@link loadWebgpuBackend}. */
export interface LoadWebgpuOptions {
  /** Refuse a software adapter (what `auto` backend selection wants). @default false */
  requireHardware?: boolean;
}

/**
 * Registers tfjs's `webgpu` backend on Dawn (`npm i webgpu
 * @tensorflow/tfjs-backend-webgpu`; Linux needs `libvulkan.so.1`, a Vulkan
 * driver and glibc ≥ 2.34), without activating it: loads Dawn, requests the
 * high-performance adapter, then a device with the adapter's real limits
 * ({@link WEBGPU_REQUESTED_LIMITS}), and installs a device guard so that
 * `CsrnetModel` refuses inputs whose buffers exceed them (`DEVICE_LIMIT`)
 * and every read fails with `DEVICE_ERROR` after the device reported an
 * error. Idempotent: one device per process. With `requireHardware`, a
 * software adapter (lavapipe, SwiftShader) is refused before any device is
 * made, and on Linux Dawn is not even loaded when no Vulkan driver is
 * installed. Returns the adapter and limits as plain data.
 */
export async function loadWebgpuBackend(options: LoadWebgpuOptions = {}): Promise<WebgpuDeviceInfo> {
  if (options.requireHardware === true) {
    // Dawn reaches GPUs through Vulkan on Linux; without a driver manifest there is none to find.
    if (process.platform === 'linux' && device === undefined && vulkanDriverManifests().length === 0) {
      throw new Error('no Vulkan driver is installed (no ICD manifest in /usr/share/vulkan/icd.d, /etc/vulkan/icd.d, … nor in VK_DRIVER_FILES), so there is no GPU for Dawn');
    }
    const { adapter } = await loadAdapter();
    if (isSoftwareAdapter(adapter.info)) {
      throw new Error(`the only WebGPU adapter is a software one (${describeAdapter(adapter.info)}), slower than wasm; name the webgpu backend to use it anyway`);
    }
  }
  device ??= createDevice();
  device.catch(() => {
    device = undefined;
  });
  return device;
}

/** The webgpu device made by {@link loadWebgpuBackend}, as plain data; `undefined` before. */
export function webgpuDeviceInfo(): WebgpuDeviceInfo | undefined {
  return current;
}
