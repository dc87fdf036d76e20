import { colourTable } from '@crowd/heatmap';

/** The values the colour map spans: `lo` → the first colour, `hi` → the last. */
export interface DensityRange {
  lo: number;
  hi: number;
}

/**
 * Colour range for a density map: from 0 (or the minimum, when an untrained
 * or ill-fitting model outputs negative density) to the maximum. A constant
 * map gets a tiny non-empty range so nothing divides by zero.
 */
export function densityRange(density: ArrayLike<number>): DensityRange {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < density.length; i++) {
    const v = density[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (density.length === 0) return { lo: 0, hi: 1 };
  const lo = Math.min(0, min);
  const hi = max > lo ? max : lo + 1e-6;
  return { lo, hi };
}

const TABLE = colourTable('turbo');

/**
 * Density values → RGBA pixels (one per value) through the turbo map. Alpha
 * rises with density, from `minAlpha` to `maxAlpha` (0–1), so that empty
 * areas keep the photo visible under a light tint.
 */
export function densityToRgba(
  density: ArrayLike<number>,
  range: DensityRange,
  { minAlpha = 0.2, maxAlpha = 0.75 }: { minAlpha?: number; maxAlpha?: number } = {},
): Uint8ClampedArray {
  const out = new Uint8ClampedArray(density.length * 4);
  const span = range.hi - range.lo;
  for (let i = 0; i < density.length; i++) {
    const t = Math.min(1, Math.max(0, (density[i] - range.lo) / span)) || 0;
    const k = Math.round(t * 255) * 3;
    out[4 * i] = TABLE[k];
    out[4 * i + 1] = TABLE[k + 1];
    out[4 * i + 2] = TABLE[k + 2];
    out[4 * i + 3] = Math.round(255 * (minAlpha + (maxAlpha - minAlpha) * t));
  }
  return out;
}
