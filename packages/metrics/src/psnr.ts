import { resolveDataRange } from './data-range.js';
import { assertSameShape, type DensityMap } from './density-map.js';

export interface PsnrOptions {
  /**
   * R, the span of possible values. Give the same R to every image when
   * comparing PSNRs across images.
   * @default max(truth) − min(truth)
   */
  dataRange?: number;
}

/**
 * Peak signal-to-noise ratio of `pred` against `truth`, in dB, as
 * scikit-image's `peak_signal_noise_ratio(truth, pred, data_range=R)`:
 *
 *   PSNR = 10·log₁₀(R² / MSE),  MSE = (1/N) Σᵢ (truthᵢ − predᵢ)²
 *
 * computed in float64 (`Infinity` when the maps are identical). Both maps must
 * have the same shape: CSRNet predicts at 1/8 resolution, so compare its
 * output with a sum-pooled ground truth, or upsample the prediction first;
 * which is the caller's choice.
 */
export function psnr(pred: DensityMap, truth: DensityMap, options: PsnrOptions = {}): number {
  assertSameShape(pred, truth);
  const range = resolveDataRange(truth, options.dataRange);
  let sumSq = 0;
  for (let i = 0; i < truth.data.length; i++) {
    const d = truth.data[i] - pred.data[i];
    sumSq += d * d;
  }
  const mse = sumSq / truth.data.length;
  return 10 * Math.log10((range * range) / mse);
}
