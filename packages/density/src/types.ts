/**
 * Head annotations in pixels, sub-pixel allowed: x is the column, y the row.
 * A `Float64Array` is interleaved `x0, y0, x1, y1, …` (the cheap form for
 * large sets); an array of `[x, y]` pairs is the form the `.mat` files use.
 */
export type HeadPoints = Float64Array | ReadonlyArray<readonly [number, number]>;

/** Image size in pixels; both fields are positive integers. */
export interface ImageSize {
  height: number;
  width: number;
}

/** A row-major `height × width` map: `data[row * width + col]`. */
export interface DensityMap<T extends Float32Array | Float64Array = Float32Array | Float64Array> {
  height: number;
  width: number;
  data: T;
}

/** A density map together with what happened to each input head. */
export interface DensityResult {
  map: DensityMap;
  /** Heads that contributed a kernel (in `'reference'` mode: distinct grid pixels). */
  headsUsed: number;
  /** Heads outside the image that contributed nothing. */
  headsDropped: number;
  /**
   * Heads that fell on a pixel another head had already set (`'reference'`
   * mode only; always 0 in `'preserving'` mode, where heads add up).
   * `headsUsed + headsDropped + headsMerged` is the number of input heads.
   */
  headsMerged: number;
}
