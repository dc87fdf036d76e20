/** A density map, row-major: people per cell (one cell per 8×8 input pixels for CSRNet). */
export interface DensityMap {
  height: number;
  width: number;
  data: Float32Array;
}

/** The sum of a density map in float64: the count. */
export function densitySum(data: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i];
  return sum;
}
