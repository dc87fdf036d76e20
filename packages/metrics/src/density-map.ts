import { MetricsError } from './errors.js';

/**
 * A single-channel map in row-major order: `data[row * width + col]`.
 * Structurally the same as `@crowd/density`'s `DensityMap`, so its maps (and
 * a model's output copied into a typed array) can be passed straight in.
 */
export interface DensityMap {
  height: number;
  width: number;
  data: Float32Array | Float64Array;
}

/** Throws unless `value` is a positive integer; `what` names it in the message. */
export function assertPositiveInteger(value: number, what: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new MetricsError('BAD_SHAPE', `${what} must be a positive integer, got ${value}`);
  }
}

/**
 * Checks that `map` is well formed (positive integer sides, `height × width`
 * values, all finite): every metric would otherwise return a silent NaN.
 */
export function assertDensityMap(map: DensityMap, name: string): void {
  assertPositiveInteger(map.height, `${name}.height`);
  assertPositiveInteger(map.width, `${name}.width`);
  const expected = map.height * map.width;
  if (map.data.length !== expected) {
    throw new MetricsError(
      'BAD_SHAPE',
      `${name}.data has ${map.data.length} values but ${name} is ${map.height}×${map.width} (${expected} values)`,
    );
  }
  for (let i = 0; i < map.data.length; i++) {
    if (!Number.isFinite(map.data[i])) {
      const row = Math.floor(i / map.width);
      throw new MetricsError('NOT_FINITE', `${name}.data[${i}] (row ${row}, column ${i - row * map.width}) is ${map.data[i]}`);
    }
  }
}

/** Checks both maps and that they have the same height and width. */
export function assertSameShape(pred: DensityMap, truth: DensityMap): void {
  assertDensityMap(pred, 'pred');
  assertDensityMap(truth, 'truth');
  if (pred.height !== truth.height || pred.width !== truth.width) {
    throw new MetricsError(
      'SIZE_MISMATCH',
      `pred is ${pred.height}×${pred.width} but truth is ${truth.height}×${truth.width} (height×width); compare maps at the same resolution`,
    );
  }
}
