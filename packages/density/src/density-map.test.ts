import { describe, expect, it } from 'vitest';
import { densityMap, densityMapWithStats } from './density-map.js';
import { DensityError, type DensityErrorCode } from './errors.js';
import type { HeadPoints, ImageSize } from './types.js';

function thrown(run: () => unknown): DensityError {
  try {
    run();
  } catch (error) {
    if (error instanceof DensityError) return error;
    throw error;
  }
  throw new Error('expected a DensityError');
}

const size = { height: 20, width: 30 };

describe('densityMap', () => {
  it("defaults to the count-preserving adaptive map ('preserving', 'adaptive')", () => {
    const heads: HeadPoints = [[3.5, 4.5], [10, 12], [20.25, 5.75], [25, 15]];
    const map = densityMap(heads, size);
    expect(map.data).toBeInstanceOf(Float32Array);
    expect(map).toEqual(densityMap(heads, size, { mode: 'preserving', kernel: 'adaptive', k: 3, beta: 0.3, truncate: 4 }));
    expect(map).toEqual(densityMapWithStats(heads, size).map);
    expect(densityMap(new Float64Array([3.5, 4.5, 10, 12, 20.25, 5.75, 25, 15]), size)).toEqual(map);
  });

  it('returns zeros of the requested size for no heads, in every mode and kernel', () => {
    for (const mode of ['preserving', 'reference'] as const) {
      for (const kernel of ['adaptive', 'fixed'] as const) {
        const map = densityMap([], size, { mode, kernel });
        expect([map.height, map.width, map.data.length]).toEqual([20, 30, 600]);
        expect(map.data.every((v) => v === 0)).toBe(true);
      }
    }
    expect(densityMap([], size, { mode: 'reference', kernel: 'fixed' }).data).toBeInstanceOf(Float64Array);
  });

  it('does not modify the points it is given', () => {
    const xy = new Float64Array([-3.2, 10.5, 4, 4, 50, 2]);
    densityMap(xy, size, { mode: 'reference' });
    expect(Array.from(xy)).toEqual([-3.2, 10.5, 4, 4, 50, 2]);
  });

  describe('rejects bad input with a DensityError naming what is wrong', () => {
    it.each<[string, () => unknown, DensityErrorCode, string]>([
      ['NaN x', () => densityMap([[1, 1], [Number.NaN, 2]], size), 'INVALID_POINTS', 'Invalid point 1: x must be a finite number, received NaN.'],
      ['Infinity y', () => densityMap([[1, Infinity]], size), 'INVALID_POINTS', 'Invalid point 0: y must be a finite number, received Infinity.'],
      ['-Infinity in a Float64Array', () => densityMap(new Float64Array([1, 2, -Infinity, 0]), size), 'INVALID_POINTS', 'Invalid point 1: x must be a finite number, received -Infinity.'],
      ['odd-length Float64Array', () => densityMap(new Float64Array(3), size), 'INVALID_POINTS', 'even length'],
      ['a point that is not a pair', () => densityMap([[1, 2, 3]] as unknown as HeadPoints, size), 'INVALID_POINTS', 'Invalid point 0: expected an [x, y] pair, received an array.'],
      ['points that are not an array', () => densityMap('1,2' as unknown as HeadPoints, size), 'INVALID_POINTS', 'received "1,2"'],
      ['zero height', () => densityMap([], { height: 0, width: 5 }), 'INVALID_SIZE', 'Invalid image height: expected a positive integer, received 0.'],
      ['negative width', () => densityMap([], { height: 5, width: -4 }), 'INVALID_SIZE', 'Invalid image width: expected a positive integer, received -4.'],
      ['non-integer height', () => densityMap([], { height: 4.5, width: 5 }), 'INVALID_SIZE', 'received 4.5'],
      ['NaN width', () => densityMap([], { height: 4, width: Number.NaN }), 'INVALID_SIZE', 'received NaN'],
      ['no size', () => densityMap([], undefined as unknown as ImageSize), 'INVALID_SIZE', 'Invalid image size: expected {height, width}, received undefined.'],
      ['σ = 0', () => densityMap([], size, { kernel: 'fixed', sigma: 0 }), 'INVALID_OPTION', 'Invalid density option "sigma": expected a finite number > 0, received 0.'],
      ['σ < 0', () => densityMap([], size, { sigma: -1 }), 'INVALID_OPTION', '"sigma"'],
      ['k = 0', () => densityMap([], size, { k: 0 }), 'INVALID_OPTION', 'Invalid density option "k": expected an integer ≥ 1, received 0.'],
      ['k = -3', () => densityMap([], size, { k: -3 }), 'INVALID_OPTION', '"k"'],
      ['reference index below -W', () => densityMap([[-31, 2]], size, { mode: 'reference' }), 'POINT_OUT_OF_RANGE', 'IndexError'],
    ])('%s', (_what, run, code, message) => {
      const error = thrown(run);
      expect(error.code).toBe(code);
      expect(error.message).toContain(message);
    });
  });
});
