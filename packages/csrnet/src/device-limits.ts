import { csrnetLayers } from './architecture.js';
import type { ResolvedCsrnetConfig } from './config.js';
import { CsrnetError } from './errors.js';

/**
 * The limits of a GPU device that bound the size of one tensor, in bytes
 * (WebGPU's `GPUSupportedLimits` of the device, not the lower defaults).
 * Every tfjs-webgpu tensor is one buffer bound as storage, so a tensor
 * must fit both. Past them Dawn only logs a validation error and tfjs
 * returns stale data.
 */
export interface DeviceLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

/** Options of {@link csrnetDeviceBuffers} and {@link checkDeviceLimits}; every field is optional. */
export interface DeviceBudgetOptions {
  /** Images per forward or step. @default 1 */
  batch?: number;
  /** Also count what a training step allocates: the backward pass's gradients and padded copies. @default false */
  training?: boolean;
  /**
   * tfjs-webgpu runs a conv that is not a plain 1×1 as im2col + matmul when
   * `N·⌈h·w/32⌉·⌈Cout/32⌉` is at most this (its backend's
   * `thresholdToIncreaseWorkgroups`: 8, or 16 on Intel gen ≥ 12). The
   * default covers both.
   * @default 16
   */
  im2colWorkgroups?: number;
  /** tfjs's `WEBGPU_CONV_SEPARATE_IM2COL_SHADER` flag: every such conv goes through im2col. @default false */
  separateIm2col?: boolean;
}

export const DEVICE_BUDGET_DEFAULTS: Readonly<Required<DeviceBudgetOptions>> = Object.freeze({ batch: 1, training: false, im2colWorkgroups: 16, separateIm2col: false });

/** One buffer that running the model allocates on the device. */
export interface DeviceBuffer {
  /** What it holds, e.g. `frontend.2 output`, `backend.0 im2col`, `frontend.5 input, padded and transposed (filter gradient)`. */
  name: string;
  shape: number[];
  /** Size in bytes: 4 per element (every buffer is float32 or int32). */
  bytes: number;
}

const BYTES_PER_ELEMENT = 4;

function resolveBudgetOptions(options: DeviceBudgetOptions): Required<DeviceBudgetOptions> {
  const o = { ...DEVICE_BUDGET_DEFAULTS, ...options };
  const positiveInteger = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (!positiveInteger(o.batch)) throw new CsrnetError('CONFIG_INVALID', undefined, `device budget batch: expected a positive integer, got ${String(o.batch)}`);
  if (!Number.isInteger(o.im2colWorkgroups) || o.im2colWorkgroups < 0) {
    throw new CsrnetError('CONFIG_INVALID', undefined, `device budget im2colWorkgroups: expected an integer ≥ 0, got ${String(o.im2colWorkgroups)}`);
  }
  return o;
}

const buffer = (name: string, shape: number[]): DeviceBuffer => ({ name, shape, bytes: BYTES_PER_ELEMENT * shape.reduce((a, b) => a * b, 1) });

/**
 * Every buffer CSRNet allocates on tfjs-webgpu for an `height × width`
 * input, read off tfjs-backend-webgpu 4.22's kernels:
 *
 * - the input, each conv's weights, each layer's output (fused or not, a
 *   conv, its bias add and its ReLU are each one output-sized buffer);
 * - a conv that is not 1×1 and has few workgroups (see
 *   {@link DeviceBudgetOptions.im2colWorkgroups}) first writes an im2col
 *   matrix `[N, h·w, k·k·Cin]`; 1×1 convs are a matmul over the input;
 * - training adds, per conv, the input gradient (a conv of the output
 *   gradient with the flipped filter, with its own im2col case: pads are
 *   explicit there, so 1×1 convs count too), and for the filter gradient the
 *   input padded by the dilation and transposed to `[Cin, N, h+2p, w+2p]`;
 *   per pool, the input gradient. The ReLU and bias gradients, the
 *   transposed copy a bias-gradient sum makes and max-pool's int32 positions
 *   are output-sized; filter gradients, momentum and the flipped filter are
 *   weight-sized. The input gradient of the first conv is listed although
 *   tfjs prunes it.
 */
export function csrnetDeviceBuffers(config: ResolvedCsrnetConfig, height: number, width: number, options: DeviceBudgetOptions = {}): DeviceBuffer[] {
  const { batch: n, training, im2colWorkgroups, separateIm2col } = resolveBudgetOptions(options);
  const im2col = (hw: number, outChannels: number): boolean => separateIm2col || n * Math.ceil(hw / 32) * Math.ceil(outChannels / 32) <= im2colWorkgroups;
  const out = [buffer('input', [n, height, width, 3])];
  let h = height;
  let w = width;
  let channels = 3;
  let pools = 0;
  for (const layer of csrnetLayers(config)) {
    if (layer.kind === 'pool') {
      pools += 1;
      const oh = Math.floor(h / 2);
      const ow = Math.floor(w / 2);
      out.push(buffer(`pool ${pools} output`, [n, oh, ow, channels]));
      if (training) out.push(buffer(`pool ${pools} input gradient`, [n, h, w, channels]));
      h = oh;
      w = ow;
      continue;
    }
    const { name, kernelSize: k, inChannels: ci, outChannels: co, dilation } = layer;
    out.push(buffer(`${name}.weight`, [k, k, ci, co]));
    out.push(buffer(`${name} output`, [n, h, w, co]));
    const plainMatMul = k === 1 && dilation === 1;
    if (!plainMatMul && im2col(h * w, co)) out.push(buffer(`${name} im2col`, [n, h * w, k * k * ci]));
    if (training) {
      out.push(buffer(`${name} input gradient`, [n, h, w, ci]));
      if (im2col(h * w, ci)) out.push(buffer(`${name} input gradient im2col`, [n, h * w, k * k * co]));
      // 'same' padding of a stride-1 k×k conv: (k − 1)·d / 2 on each side.
      const pad = ((k - 1) * dilation) / 2;
      out.push(buffer(`${name} input, padded and transposed (filter gradient)`, [ci, n, h + 2 * pad, w + 2 * pad]));
    }
    channels = co;
  }
  return out;
}

/** The largest of {@link csrnetDeviceBuffers} (the first one listed on ties). */
export function largestDeviceBuffer(config: ResolvedCsrnetConfig, height: number, width: number, options: DeviceBudgetOptions = {}): DeviceBuffer {
  return csrnetDeviceBuffers(config, height, width, options).reduce((a, b) => (b.bytes > a.bytes ? b : a));
}

/** The largest buffer the device can bind, and which limit sets it. */
function bindingLimit(limits: DeviceLimits): { bytes: number; name: string } {
  return limits.maxBufferSize < limits.maxStorageBufferBindingSize
    ? { bytes: limits.maxBufferSize, name: 'maxBufferSize' }
    : { bytes: limits.maxStorageBufferBindingSize, name: 'maxStorageBufferBindingSize' };
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * Throws `CsrnetError('DEVICE_LIMIT')` when a forward (or with `training` a
 * training step) on a `[batch, height, width, 3]` input would allocate a
 * buffer larger than the device can bind, naming the tensor, its shape and
 * bytes, the limit, and the largest square input that fits. `where` names
 * the caller in the message.
 */
export function checkDeviceLimits(
  config: ResolvedCsrnetConfig,
  height: number,
  width: number,
  limits: DeviceLimits,
  options: DeviceBudgetOptions = {},
  where = 'CSRNet',
): void {
  const largest = largestDeviceBuffer(config, height, width, options);
  const limit = bindingLimit(limits);
  if (largest.bytes <= limit.bytes) return;
  const resolved = resolveBudgetOptions(options);
  const what = resolved.training ? 'a training step' : 'a forward';
  let advice: string;
  try {
    const side = largestSquareTile(config, limits, options);
    advice = `inputs up to ${side}×${side} fit${resolved.batch > 1 ? ` at batch ${resolved.batch}` : ''}`;
  } catch {
    advice = 'no input fits at this batch size';
  }
  throw new CsrnetError(
    'DEVICE_LIMIT',
    undefined,
    `${where}: ${what} on a [${resolved.batch},${height},${width},3] input needs the tensor '${largest.name}' [${largest.shape.join(',')}] of ${largest.bytes} bytes (${mib(largest.bytes)}), ` +
      `over this device's ${limit.name} of ${limit.bytes} bytes (${mib(limit.bytes)}); ${advice} (tile the image or lower the batch)`,
  );
}

/**
 * The largest side `s`, a multiple of `multipleOf`, such that an `s × s`
 * input passes {@link checkDeviceLimits}: the tile side for counting large
 * images on this device. `multipleOf` defaults to the model's output stride
 * (2^pools, 8 for the standard front end). Throws `CsrnetError('DEVICE_LIMIT')`
 * when not even one stride fits.
 */
export function largestSquareTile(config: ResolvedCsrnetConfig, limits: DeviceLimits, options: DeviceBudgetOptions & { multipleOf?: number } = {}): number {
  const { multipleOf = 2 ** csrnetLayers(config).filter((l) => l.kind === 'pool').length, ...budget } = options;
  if (!Number.isInteger(multipleOf) || multipleOf <= 0) throw new CsrnetError('CONFIG_INVALID', undefined, `largestSquareTile multipleOf: expected a positive integer, got ${String(multipleOf)}`);
  const limit = bindingLimit(limits).bytes;
  const fits = (side: number): boolean => largestDeviceBuffer(config, side, side, budget).bytes <= limit;
  if (!fits(multipleOf)) {
    const smallest = largestDeviceBuffer(config, multipleOf, multipleOf, budget);
    throw new CsrnetError('DEVICE_LIMIT', undefined, `no input fits this device: even ${multipleOf}×${multipleOf} needs '${smallest.name}' of ${smallest.bytes} bytes, over ${limit}`);
  }
  // The input alone is 12·N bytes per pixel, so this many strides cannot fit.
  let lo = 1;
  let hi = Math.ceil(Math.sqrt(limit / (BYTES_PER_ELEMENT * 3 * resolveBudgetOptions(budget).batch)) / multipleOf) + 1;
  // Buffers grow with the side (im2col only appears at a few hundred pixels), so fits() is monotone: bisect.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid * multipleOf)) lo = mid;
    else hi = mid;
  }
  return lo * multipleOf;
}
