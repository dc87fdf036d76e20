import { describe, expect, it } from 'vitest';
import { densityCases, readMap, total } from '../test/density-fixtures.ts';
import { DensityError } from './errors.js';
import { sumPool } from './sum-pool.js';
import type { DensityMap } from './types.js';

describe('sumPool', () => {
  it('sums blocks and folds the leftover rows and columns into the last output row and column', () => {
    const map = { height: 3, width: 5, data: new Float64Array(Array.from({ length: 15 }, (_, i) => i + 1)) };
    const pooled = sumPool(map, 2);
    expect([pooled.height, pooled.width]).toEqual([1, 2]);
    // Rows 0–2 all land in output row 0; columns 0–1 in output column 0, 2–4 in column 1.
    expect(Array.from(pooled.data)).toEqual([1 + 2 + 6 + 7 + 11 + 12, 3 + 4 + 5 + 8 + 9 + 10 + 13 + 14 + 15]);
  });

  it.each(densityCases().filter((c) => c.expected?.target8 !== undefined).map((c) => [c.name, c] as const))(
    '%s: keeps the reference map’s sum, at the target’s shape and dtype',
    (_name, c) => {
      const density = readMap(c.expected!.npy);
      const pooled = sumPool(density);
      expect([pooled.height, pooled.width]).toEqual(c.expected!.target8!.shape);
      expect(pooled.data).toBeInstanceOf(density.data.constructor);
      expect(total(pooled.data)).toBeCloseTo(c.expected!.sum, 4);
    },
  );

  it('keeps 127.9 for adaptive_cluster where the bicubic target reports 192.0', () => {
    const map = readMap('adaptive_cluster.npy');
    expect(total(sumPool(map).data)).toBeCloseTo(127.936, 3);
  });

  it('rejects maps smaller than the factor, bad factors and malformed maps', () => {
    const map: DensityMap = { height: 12, width: 5, data: new Float32Array(60) };
    expect(() => sumPool(map)).toThrow(DensityError);
    expect(() => sumPool(map)).toThrow('Map of 12×5 is smaller than the factor 8');
    expect(() => sumPool(map, 1.5)).toThrow('Invalid factor: expected an integer ≥ 1, received 1.5.');
    expect(() => sumPool({ height: 8, width: 8, data: [] as unknown as Float32Array })).toThrow('Invalid map.data: expected a Float32Array or Float64Array');
    expect(() => sumPool({ height: 0, width: 8, data: new Float32Array(0) })).toThrow('Invalid map height: expected a positive integer, received 0.');
  });
});
