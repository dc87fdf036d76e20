import { DensityError } from './errors.js';
import { describeValue } from './options.js';
import type { DensityMap, HeadPoints, ImageSize } from './types.js';

/** Checks `size` and returns it as plain integers. */
export function checkImageSize(size: ImageSize, what = 'image'): ImageSize {
  if (typeof size !== 'object' || size === null) {
    throw new DensityError('INVALID_SIZE', `Invalid ${what} size: expected {height, width}, received ${describeValue(size)}.`);
  }
  for (const key of ['height', 'width'] as const) {
    const value = size[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new DensityError('INVALID_SIZE', `Invalid ${what} ${key}: expected a positive integer, received ${describeValue(value)}.`);
    }
  }
  return { height: size.height, width: size.width };
}

/**
 * Returns the points as interleaved `x0, y0, x1, y1, …` (a Float64Array input
 * is returned as is, never written to) after checking every coordinate is finite.
 */
export function interleavePoints(points: HeadPoints): Float64Array {
  let xy: Float64Array;
  if (points instanceof Float64Array) {
    if (points.length % 2 !== 0) {
      throw new DensityError('INVALID_POINTS', `Invalid points: an interleaved Float64Array needs an even length (x0, y0, x1, y1, …), received length ${points.length}.`);
    }
    xy = points;
  } else if (Array.isArray(points)) {
    xy = new Float64Array(points.length * 2);
    points.forEach((point: unknown, i) => {
      if (!Array.isArray(point) || point.length !== 2) {
        throw new DensityError('INVALID_POINTS', `Invalid point ${i}: expected an [x, y] pair, received ${describeValue(point)}.`);
      }
      xy[2 * i] = point[0] as number;
      xy[2 * i + 1] = point[1] as number;
    });
  } else {
    throw new DensityError('INVALID_POINTS', `Invalid points: expected a Float64Array or an array of [x, y] pairs, received ${describeValue(points)}.`);
  }
  for (let i = 0; i < xy.length; i++) {
    if (!Number.isFinite(xy[i])) {
      const source = points instanceof Float64Array ? xy[i] : (points as ReadonlyArray<readonly unknown[]>)[i >> 1][i & 1];
      throw new DensityError('INVALID_POINTS', `Invalid point ${i >> 1}: ${i % 2 === 0 ? 'x' : 'y'} must be a finite number, received ${describeValue(source)}.`);
    }
  }
  return xy;
}

/** Checks a map's size and that `data` is a Float32Array or Float64Array of `height·width` values. */
export function checkDensityMap(map: DensityMap, argument: string): void {
  if (typeof map !== 'object' || map === null) {
    throw new DensityError('INVALID_MAP', `Invalid ${argument}: expected {height, width, data}, received ${describeValue(map)}.`);
  }
  const { height, width } = checkImageSize(map, argument);
  if (!(map.data instanceof Float32Array || map.data instanceof Float64Array)) {
    throw new DensityError('INVALID_MAP', `Invalid ${argument}.data: expected a Float32Array or Float64Array, received ${describeValue(map.data)}.`);
  }
  if (map.data.length !== height * width) {
    throw new DensityError('INVALID_MAP', `Invalid ${argument}: data holds ${map.data.length} values, expected height·width = ${height}·${width} = ${height * width}.`);
  }
}

/** Checks an integer downsampling factor that leaves at least one output row and column. */
export function checkFactor(factor: unknown, map: DensityMap): void {
  if (typeof factor !== 'number' || !Number.isInteger(factor) || factor < 1) {
    throw new DensityError('INVALID_OPTION', `Invalid factor: expected an integer ≥ 1, received ${describeValue(factor)}.`);
  }
  if (map.height < factor || map.width < factor) {
    throw new DensityError('MAP_TOO_SMALL', `Map of ${map.height}×${map.width} is smaller than the factor ${factor}: the output would have no rows or columns.`);
  }
}
