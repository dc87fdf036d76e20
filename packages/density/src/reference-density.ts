import { knnSigmas } from './adaptive-sigmas.js';
import { addSeparable, clippedTaps, gaussianKernel, kernelRadius, reflectedTaps } from './gaussian-kernel.js';

/**
 * The reference's Part A map: one `gaussian_filter(pt2d, σ_i, mode='constant')`
 * per pixel, added into a float32 map in row-major pixel order. scipy filters
 * rows then columns through a float32 intermediate, and a lone delta makes
 * each pass a single product, so every value below is rounded exactly where
 * scipy rounds it and the sum runs in the same order.
 */
export function referenceAdaptiveDensity(grid: Float64Array, height: number, width: number, k: number, beta: number, truncate: number): Float32Array {
  const density = new Float32Array(height * width);
  const sigmas = knnSigmas(grid, height, width, k, beta);
  for (let p = 0; p < sigmas.length; p++) {
    const kernel = gaussianKernel(sigmas[p], kernelRadius(sigmas[p], truncate));
    const rows = clippedTaps(kernel, grid[2 * p + 1], height);
    const cols = clippedTaps(kernel, grid[2 * p], width);
    for (let i = 0; i < rows.weights.length; i++) {
      const rowWeight = Math.fround(rows.weights[i]);
      const base = (rows.start + i) * width + cols.start;
      for (let j = 0; j < cols.weights.length; j++) density[base + j] += Math.fround(cols.weights[j] * rowWeight);
    }
  }
  return density;
}

/** The reference's Part B map: `gaussian_filter(grid, σ)` in float64 with scipy's default `mode='reflect'`. */
export function referenceFixedDensity(grid: Float64Array, height: number, width: number, sigma: number, truncate: number): Float64Array {
  const density = new Float64Array(height * width);
  const kernel = gaussianKernel(sigma, kernelRadius(sigma, truncate));
  for (let p = 0; p < grid.length; p += 2) {
    addSeparable(density, width, reflectedTaps(kernel, grid[p + 1], height), reflectedTaps(kernel, grid[p], width));
  }
  return density;
}
