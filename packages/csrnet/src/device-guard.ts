import * as tf from '@tensorflow/tfjs';
import type { ResolvedCsrnetConfig } from './config.js';
import { checkDeviceLimits, type DeviceBudgetOptions, type DeviceLimits } from './device-limits.js';

/**
 * What a GPU backend installs so that the model checks tensor sizes and the
 * device's health before it runs (`@crowd/csrnet/node`'s webgpu loader
 * installs one). It is plain data and two callbacks, so the core never
 * imports a GPU library.
 */
export interface DeviceGuard {
  /** The tfjs backend it guards; the model consults it only while that backend is active. */
  readonly backend: string;
  readonly limits: DeviceLimits;
  /** How the backend picks conv kernels (its im2col threshold and flag), read at each check. */
  convOptions(): Pick<DeviceBudgetOptions, 'im2colWorkgroups' | 'separateIm2col'>;
  /** Throws `CsrnetError('DEVICE_ERROR')` once the device has reported an error or was lost; `where` names the caller. */
  throwIfFailed(where: string): void;
}

let installed: DeviceGuard | undefined;

/** Installs the guard (the last one installed wins), or removes it with `undefined`. */
export function setDeviceGuard(guard: DeviceGuard | undefined): void {
  installed = guard;
}

/** The installed guard if its backend is the active one, else `undefined`. */
export function activeDeviceGuard(): DeviceGuard | undefined {
  return installed !== undefined && tf.getBackend() === installed.backend ? installed : undefined;
}

/**
 * What the model calls before running on a `[batch, height, width, 3]`
 * input: with a guard active, throws `DEVICE_ERROR` if the device already
 * failed and `DEVICE_LIMIT` if a buffer would exceed its limits (see
 * `checkDeviceLimits`); without one, does nothing.
 */
export function guardDevice(config: ResolvedCsrnetConfig, shape: readonly number[], training: boolean, where: string): void {
  const guard = activeDeviceGuard();
  if (guard === undefined) return;
  guard.throwIfFailed(where);
  checkDeviceLimits(config, shape[1], shape[2], guard.limits, { ...guard.convOptions(), batch: shape[0], training }, where);
}
