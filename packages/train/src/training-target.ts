import { resizeCubicTarget, sumPool, type DensityMap } from '@crowd/density';
import type { TargetMethod } from './config.js';

/** CSRNet's output stride. */
export const OUTPUT_STRIDE = 8;

/**
 * The 1/8-resolution training target of a (cropped, mirrored) density map,
 * ⌊H/8⌋ × ⌊W/8⌋ like the network's output: an 8×8 sum pool (`'sum'`, its sum
 * is the map's) or the reference's bicubic resize ×64 (`'bicubic'`).
 */
export function trainingTarget(density: DensityMap, method: TargetMethod): DensityMap {
  return method === 'sum' ? sumPool(density, OUTPUT_STRIDE) : resizeCubicTarget(density, OUTPUT_STRIDE);
}

/** The sum of the reference's bicubic target: what train.py's validation compares predicted counts with. */
export function referenceTargetCount(density: DensityMap): number {
  let sum = 0;
  for (const v of resizeCubicTarget(density, OUTPUT_STRIDE).data) sum += v;
  return sum;
}
