import { existsSync } from 'node:fs';
import { densityMap, type DensityMap } from '@crowd/density';
import { readDensityH5, type Sample } from '@crowd/datasets/node';
import { densitySettingsFor } from '../prepare/density-settings.js';

export interface GroundTruthDensity {
  map: DensityMap;
  /** `h5`: the prepared file; `computed`: made here because there was none. */
  source: 'h5' | 'computed';
}

/**
 * The full-resolution ground-truth density of a sample: its prepared `.h5`
 * (from `crowd prepare` or the reference's make_dataset.ipynb) when there is
 * one, else computed from the head points with the reference's per-part
 * kernel (adaptive for Part A and other datasets, fixed σ = 15 for Part B) in
 * `mode`: `reference` reproduces make_dataset.ipynb's maps (what
 * `--reference-eval` needs), `preserving` makes every head sum to 1.
 */
export async function groundTruthDensity(
  sample: Sample,
  points: Float64Array,
  size: { height: number; width: number },
  mode: 'preserving' | 'reference'
): Promise<GroundTruthDensity> {
  if (existsSync(sample.density)) {
    const map = await readDensityH5(sample.density);
    if (map.height !== size.height || map.width !== size.width) {
      throw new Error(`${sample.density}: the density is ${map.width}×${map.height} but its image ${sample.image} is ${size.width}×${size.height}`);
    }
    return { map, source: 'h5' };
  }
  return { map: densityMap(points, size, densitySettingsFor(sample, { mode })), source: 'computed' };
}
