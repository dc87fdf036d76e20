/**
 * Separable 2-D filters with scipy.ndimage's `mode='reflect'` border (half-sample
 * symmetric: … c b a | a b c … x y z | z y x …), reproducing `uniform_filter` and
 * `gaussian_filter` as scikit-image's SSIM calls them: axis 0 (down the columns)
 * first, then axis 1, in float64, with scipy's own summation order so results
 * agree to rounding.
 */

/** Filters one reflect-extended line `ext` (length n + 2·radius) into `out` (length n). */
type LineFilter = (ext: Float64Array, n: number, out: Float64Array) => void;

/**
 * scipy's `uniform_filter(image, size)` for odd `size`: the mean of the
 * size × size window centred on each pixel. Per line it keeps scipy's running
 * sum: o₀ = (Σ_{k<size} e_k) / size, oₗ = oₗ₋₁ + (e_{l+size−1} − e_{l−1}) / size.
 */
export function uniformFilter(data: Float64Array, height: number, width: number, size: number): Float64Array {
  const line: LineFilter = (ext, n, out) => {
    let sum = 0;
    for (let k = 0; k < size; k++) sum += ext[k];
    sum /= size;
    out[0] = sum;
    for (let l = 1; l < n; l++) {
      sum += (ext[l + size - 1] - ext[l - 1]) / size;
      out[l] = sum;
    }
  };
  return separable(data, height, width, (size - 1) / 2, line);
}

/**
 * scipy's `gaussian_filter(image, sigma, truncate=truncate)`: correlation with
 * wₖ = exp(−k² / 2σ²) / Σⱼ exp(−j² / 2σ²) for |k| ≤ r = ⌊truncate·σ + ½⌋,
 * summed as scipy does for symmetric kernels: o = w₀·e_c + Σ_{k=r…1} wₖ·(e_{c−k} + e_{c+k}).
 */
export function gaussianFilter(data: Float64Array, height: number, width: number, sigma: number, truncate: number): Float64Array {
  const radius = gaussianRadius(sigma, truncate);
  const weights = new Float64Array(radius + 1);
  for (let k = 0; k <= radius; k++) weights[k] = Math.exp((-0.5 / (sigma * sigma)) * (k * k));
  let total = weights[0];
  for (let k = 1; k <= radius; k++) total += 2 * weights[k];
  for (let k = 0; k <= radius; k++) weights[k] /= total;
  const line: LineFilter = (ext, n, out) => {
    for (let l = 0; l < n; l++) {
      const c = l + radius;
      let acc = ext[c] * weights[0];
      for (let k = radius; k >= 1; k--) acc += (ext[c - k] + ext[c + k]) * weights[k];
      out[l] = acc;
    }
  };
  return separable(data, height, width, radius, line);
}

/** scipy's kernel radius ⌊truncate·σ + ½⌋ (11 taps for σ = 1.5, truncate = 3.5). */
export function gaussianRadius(sigma: number, truncate: number): number {
  return Math.floor(truncate * sigma + 0.5);
}

/** Applies `line` down every column, then along every row, reflecting `radius` samples at each end. */
function separable(data: Float64Array, height: number, width: number, radius: number, line: LineFilter): Float64Array {
  const columnsDone = new Float64Array(height * width);
  const ext = new Float64Array(Math.max(height, width) + 2 * radius);
  const out = new Float64Array(Math.max(height, width));
  for (let c = 0; c < width; c++) {
    for (let k = 0; k < height + 2 * radius; k++) ext[k] = data[reflect(k - radius, height) * width + c];
    line(ext, height, out);
    for (let r = 0; r < height; r++) columnsDone[r * width + c] = out[r];
  }
  const result = new Float64Array(height * width);
  for (let r = 0; r < height; r++) {
    const offset = r * width;
    for (let k = 0; k < width + 2 * radius; k++) ext[k] = columnsDone[offset + reflect(k - radius, width)];
    line(ext, width, out);
    result.set(out.subarray(0, width), offset);
  }
  return result;
}

/** Half-sample symmetric index into [0, n): −1 → 0, −2 → 1, n → n − 1, n + 1 → n − 2 (period 2n). */
function reflect(i: number, n: number): number {
  const period = 2 * n;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
}
