import { describe, expect, it } from 'vitest';
import { densityCases } from '../test/density-fixtures.ts';
import { DensityError } from './errors.js';
import { referenceGrid } from './reference-grid.js';

const grid = (points: number[][], height: number, width: number) => referenceGrid(new Float64Array(points.flat()), height, width);

describe('referenceGrid', () => {
  it.each(densityCases().map((c) => [c.name, c] as const))('%s: as many distinct pixels as the reference', (_name, c) => {
    const result = grid(c.points, c.shape[0], c.shape[1]);
    expect(result.xy.length / 2).toBe(c.points_on_grid);
    expect(result.xy.length / 2 + result.dropped + result.merged).toBe(c.points.length);
  });

  it('truncates toward 0, checks only the upper bound, and wraps negative indices (adaptive_negative_wrap)', () => {
    // int(-3.2) = -3 → column 77; int(-1.5) = -1 → row 59; int(-0.6) = 0 is kept in column 0.
    const result = grid([[-3.2, 10.5], [10.0, -1.5], [-0.6, 2.9], [80, 3], [3, 60], [79.99, 59.99]], 60, 80);
    expect(Array.from(result.xy)).toEqual([0, 2, 77, 10, 10, 59, 79, 59]);
    expect(result.dropped).toBe(2);
    expect(result.merged).toBe(0);
  });

  it('collapses heads that share a pixel and lists pixels in row-major order', () => {
    const result = grid([[20.2, 30.7], [20.9, 30.1], [5, 1], [20, 30]], 60, 80);
    expect(Array.from(result.xy)).toEqual([5, 1, 20, 30]);
    expect(result.merged).toBe(2);
  });

  it('throws where the reference raises IndexError (below -W or -H)', () => {
    expect(() => grid([[-81, 3]], 60, 80)).toThrow(DensityError);
    expect(() => grid([[-80, 3]], 60, 80)).not.toThrow();
    try {
      grid([[3, 3], [5, -61.5]], 60, 80);
    } catch (error) {
      expect(error).toBeInstanceOf(DensityError);
      expect((error as DensityError).code).toBe('POINT_OUT_OF_RANGE');
      expect((error as DensityError).message).toContain('Point 1 at (x 5, y -61.5)');
    }
    expect.assertions(5);
  });
});
