/** The fields of WebGPU's `GPUAdapterInfo` that describe an adapter, as Dawn fills them. */
export interface WebgpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Dawn sets it for CPU adapters (lavapipe, SwiftShader). */
  isFallbackAdapter?: boolean;
}

/** A WebGPU device as plain data, for reports. */
export interface WebgpuDeviceInfo {
  adapter: Required<WebgpuAdapterInfo>;
  /** A CPU implementation (lavapipe/llvmpipe, SwiftShader, WARP): correct but far slower than wasm. */
  software: boolean;
  /** The device's limits (requested at the adapter's maxima), by `GPUSupportedLimits` name. */
  limits: Record<string, number>;
}

// Names Vulkan and D3D CPU drivers report in vendor, architecture, device or description.
const SOFTWARE_NAMES = /llvmpipe|lavapipe|softpipe|swiftshader|\bwarp\b|basic render driver/i;

/**
 * Whether an adapter is a software (CPU) one: Dawn flags it as a fallback
 * adapter, reports the architecture `software` (Mesa), or names a known
 * CPU driver.
 */
export function isSoftwareAdapter(info: WebgpuAdapterInfo): boolean {
  if (info.isFallbackAdapter === true || info.architecture === 'software') return true;
  return SOFTWARE_NAMES.test([info.vendor, info.architecture, info.device, info.description].join(' '));
}

/** A one-line description for messages: `llvmpipe: Mesa 25.0.7 (LLVM 15.0.6) [mesa, software]`. */
export function describeAdapter(info: WebgpuAdapterInfo): string {
  const name = info.description || info.device || 'unnamed adapter';
  const tags = [info.vendor, info.architecture, isSoftwareAdapter(info) ? 'software' : ''].filter((t, i, all) => t !== '' && all.indexOf(t) === i);
  return tags.length === 0 ? name : `${name} [${tags.join(', ')}]`;
}

/** Copies `GPUAdapterInfo` (whose fields are prototype getters) to plain data. */
export function plainAdapterInfo(info: WebgpuAdapterInfo): Required<WebgpuAdapterInfo> {
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: info.isFallbackAdapter === true,
  };
}

/** Copies `GPUSupportedLimits` (prototype getters) to a plain object of its numeric fields. */
export function plainLimits(limits: object): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key in limits) {
    const value = (limits as Record<string, unknown>)[key];
    if (typeof value === 'number') out[key] = value;
  }
  return out;
}
