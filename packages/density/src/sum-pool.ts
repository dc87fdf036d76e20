import type { DensityMap } from './types.js';
import { checkDensityMap, checkFactor } from './validate.js';

/**
 * Count-preserving downsampling: each output cell is the sum of a
 * `factor × factor` block. The output is `floor(H/f) × floor(W/f)`, like the
 * network's output and the reference target; the rows and columns past the
 * last full block are added into the last output row and column, so the total
 * is the input's total (up to float rounding: sums run in float64 and are
 * stored in the input's type).
 *
 * @param factor Integer block size. @default 8
 */
export function sumPool<T extends Float32Array | Float64Array>(map: DensityMap<T>, factor = 8): DensityMap<T> {
  checkDensityMap(map, 'map');
  checkFactor(factor, map);
  const { height, width, data } = map;
  const outHeight = Math.floor(height / factor);
  const outWidth = Math.floor(width / factor);
  const outCol = new Int32Array(width);
  for (let c = 0; c < width; c++) outCol[c] = Math.min(Math.floor(c / factor), outWidth - 1);

  const sums = new Float64Array(outHeight * outWidth);
  for (let r = 0; r < height; r++) {
    const base = Math.min(Math.floor(r / factor), outHeight - 1) * outWidth;
    const src = r * width;
    for (let c = 0; c < width; c++) sums[base + outCol[c]] += data[src + c];
  }
  const out = data instanceof Float32Array ? new Float32Array(sums) : sums;
  return { height: outHeight, width: outWidth, data: out as T };
}
