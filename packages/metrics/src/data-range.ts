import type { DensityMap } from './density-map.js';
import { MetricsError } from './errors.js';

/**
 * The R in PSNR's R² and SSIM's C₁ = (K₁R)², C₂ = (K₂R)²: the caller's
 * `dataRange`, or max(truth) − min(truth) when none is given.
 *
 * Why that default: scikit-image 0.19 derives R from the dtype (2 for SSIM and
 * 1 for PSNR on float images), which says nothing about density maps whose
 * values are ~10⁻³, and scikit-image ≥ 0.20 refuses float images in SSIM
 * without one. The truth's own range is the usual explicit choice. It varies per image, so
 * pass a fixed `dataRange` when images must share one scale (and for maps
 * whose truth is constant, e.g. an image without heads, where it is 0).
 */
export function resolveDataRange(truth: DensityMap, dataRange: number | undefined): number {
  if (dataRange !== undefined) {
    assertDataRange(dataRange);
    return dataRange;
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < truth.data.length; i++) {
    const v = truth.data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (max === min) {
    throw new MetricsError(
      'ZERO_DATA_RANGE',
      `truth is constant (every value is ${min}), so its range max − min is 0; pass options.dataRange explicitly`,
    );
  }
  return max - min;
}

/** Throws unless an explicit `dataRange` is finite and > 0. */
export function assertDataRange(dataRange: number): void {
  if (!Number.isFinite(dataRange) || dataRange <= 0) {
    throw new MetricsError('INVALID_OPTION', `dataRange must be a finite number > 0, got ${dataRange}`);
  }
}
