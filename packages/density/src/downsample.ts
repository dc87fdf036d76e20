import { DensityError } from './errors.js';
import { describeValue } from './options.js';
import { resizeCubicTarget } from './resize-cubic-target.js';
import { sumPool } from './sum-pool.js';
import type { DensityMap } from './types.js';

/** How {@link downsample} shrinks a map. */
export type DownsampleMethod = 'sum' | 'bicubic';

/** Options of {@link downsample}. */
export interface DownsampleOptions {
  /**
   * `'sum'`: {@link sumPool}, which keeps the count. `'bicubic'`:
   * {@link resizeCubicTarget}, the reference's cv2 target, which does not.
   * @default 'sum'
   */
  method?: DownsampleMethod;
  /**
   * Integer ratio of input to output size (CSRNet's output stride).
   * @default 8
   */
  factor?: number;
}

/** The defaults {@link downsample} fills in. */
export const DEFAULT_DOWNSAMPLE_OPTIONS: Readonly<Required<DownsampleOptions>> = Object.freeze({ method: 'sum', factor: 8 });

/** Shrinks a density map by `factor` with the chosen method. */
export function downsample<T extends Float32Array | Float64Array>(map: DensityMap<T>, options: DownsampleOptions = {}): DensityMap<T> {
  const method = options.method ?? DEFAULT_DOWNSAMPLE_OPTIONS.method;
  const factor = options.factor ?? DEFAULT_DOWNSAMPLE_OPTIONS.factor;
  if (method === 'sum') return sumPool(map, factor);
  if (method === 'bicubic') return resizeCubicTarget(map, factor);
  throw new DensityError('INVALID_OPTION', `Invalid downsample option "method": expected 'sum' or 'bicubic', received ${describeValue(method)}.`);
}
