/** A run of 1-D weights applied to indices `start, start + 1, …`. */
export interface Taps {
  start: number;
  weights: Float64Array;
}

/** scipy.ndimage's kernel radius: `int(truncate·σ + 0.5)`. */
export function kernelRadius(sigma: number, truncate: number): number {
  return Math.trunc(truncate * sigma + 0.5);
}

/**
 * scipy.ndimage's 1-D Gaussian for offsets -radius..radius (index offset + radius),
 * normalised over the full kernel. The exponent is formed as scipy forms it,
 * `(-0.5 / σ²) · t²`, to land on the same float64 weights.
 */
export function gaussianKernel(sigma: number, radius: number): Float64Array {
  const weights = new Float64Array(2 * radius + 1);
  const scale = -0.5 / (sigma * sigma);
  let sum = 0;
  for (let t = -radius; t <= radius; t++) {
    const w = Math.exp(scale * (t * t));
    weights[t + radius] = w;
    sum += w;
  }
  for (let i = 0; i < weights.length; i++) weights[i] /= sum;
  return weights;
}

/** The part of a kernel centred on `centre` that lies inside `[0, n)` (scipy `mode='constant'`). */
export function clippedTaps(kernel: Float64Array, centre: number, n: number): Taps {
  const radius = (kernel.length - 1) / 2;
  const start = Math.max(0, centre - radius);
  const end = Math.min(n - 1, centre + radius);
  return { start, weights: kernel.subarray(start - centre + radius, end - centre + radius + 1) };
}

/** scipy `mode='reflect'` (half-sample symmetric, `d c b a | a b c d | d c b a`) for any offset. */
export function reflectIndex(p: number, n: number): number {
  const period = 2 * n;
  const m = ((p % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

/**
 * A kernel centred on `centre` filtered with scipy `mode='reflect'`, as seen by a
 * single delta: each tap that falls outside `[0, n)` is added to the index it
 * reflects onto. Because the Gaussian is symmetric, this equals what the
 * full-line filter writes around the delta, and reflections only ever move a
 * tap closer to the centre, so the result fits in `[centre - r, centre + r]`.
 */
export function reflectedTaps(kernel: Float64Array, centre: number, n: number): Taps {
  const radius = (kernel.length - 1) / 2;
  const start = Math.max(0, centre - radius);
  const weights = new Float64Array(Math.min(n - 1, centre + radius) - start + 1);
  for (let t = -radius; t <= radius; t++) weights[reflectIndex(centre + t, n) - start] += kernel[t + radius];
  return { start, weights };
}

/**
 * A Gaussian centred on the sub-pixel position `position` (pixel i covers
 * [i, i + 1), so its centre is i + 0.5), sampled at the pixel centres of the
 * window `floor(position) ± int(truncate·σ + 0.5)` clipped to `[0, n)`, and
 * renormalised so the in-image weights sum to exactly 1 up to rounding.
 *
 * Exponents are taken relative to the head's own pixel, which is the nearest
 * centre, so that pixel's weight is exactly 1 and a tiny σ can never underflow
 * every weight to 0. σ = 0 gives radius 0: all the mass in the head's pixel.
 */
export function subpixelTaps(position: number, sigma: number, truncate: number, n: number): Taps {
  const centre = Math.floor(position);
  const radius = kernelRadius(sigma, truncate);
  const start = Math.max(0, centre - radius);
  const weights = new Float64Array(Math.min(n - 1, centre + radius) - start + 1);
  if (weights.length === 1) {
    weights[0] = 1;
    return { start, weights };
  }
  const scale = 0.5 / (sigma * sigma);
  const d0 = position - (centre + 0.5);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    const d = position - (start + i + 0.5);
    const w = Math.exp((d0 * d0 - d * d) * scale);
    weights[i] = w;
    sum += w;
  }
  for (let i = 0; i < weights.length; i++) weights[i] /= sum;
  return { start, weights };
}

/** Adds the separable kernel `rows ⊗ cols` into the row-major `map` of the given width. */
export function addSeparable(map: Float64Array, width: number, rows: Taps, cols: Taps): void {
  for (let i = 0; i < rows.weights.length; i++) {
    const rowWeight = rows.weights[i];
    const base = (rows.start + i) * width + cols.start;
    for (let j = 0; j < cols.weights.length; j++) map[base + j] += cols.weights[j] * rowWeight;
  }
}
