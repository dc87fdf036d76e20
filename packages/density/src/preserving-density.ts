import { knnSigmas } from './adaptive-sigmas.js';
import { addSeparable, subpixelTaps } from './gaussian-kernel.js';
import type { ResolvedDensityOptions } from './options.js';

/** Heads inside the image, and how many were outside. */
export interface InImageHeads {
  xy: Float64Array;
  dropped: number;
}

/** Keeps the heads with 0 ≤ x < width and 0 ≤ y < height. */
export function inImageHeads(xy: Float64Array, height: number, width: number): InImageHeads {
  const kept = new Float64Array(xy.length);
  let n = 0;
  for (let i = 0; i < xy.length; i += 2) {
    const x = xy[i];
    const y = xy[i + 1];
    if (x >= 0 && x < width && y >= 0 && y < height) {
      kept[n++] = x;
      kept[n++] = y;
    }
  }
  return { xy: kept.subarray(0, n), dropped: (xy.length - n) / 2 };
}

/**
 * Count-preserving map: each head is a Gaussian at its sub-pixel position,
 * renormalised over the part of its window inside the image, so it adds
 * exactly 1. Accumulated in float64 and rounded once to float32 at the end.
 */
export function preservingDensity(heads: Float64Array, height: number, width: number, options: ResolvedDensityOptions): Float32Array {
  const density = new Float64Array(height * width);
  const n = heads.length / 2;
  const sigmas = options.kernel === 'adaptive' ? knnSigmas(heads, height, width, options.k, options.beta) : undefined;
  for (let p = 0; p < n; p++) {
    const sigma = sigmas === undefined ? options.sigma : sigmas[p];
    addSeparable(density, width, subpixelTaps(heads[2 * p + 1], sigma, options.truncate, height), subpixelTaps(heads[2 * p], sigma, options.truncate, width));
  }
  return new Float32Array(density);
}
