import { describe, expect, it } from 'vitest';
import { readMap } from '../test/density-fixtures.ts';
import { DEFAULT_DOWNSAMPLE_OPTIONS, downsample, type DownsampleMethod } from './downsample.js';
import { resizeCubicTarget } from './resize-cubic-target.js';
import { sumPool } from './sum-pool.js';

describe('downsample', () => {
  const density = readMap('adaptive_non8_shape.npy');

  it("defaults to the count-preserving 'sum' at factor 8", () => {
    expect(DEFAULT_DOWNSAMPLE_OPTIONS).toEqual({ method: 'sum', factor: 8 });
    expect(downsample(density)).toEqual(sumPool(density, 8));
    expect(downsample(density, { factor: 4 })).toEqual(sumPool(density, 4));
  });

  it("'bicubic' gives the reference target", () => {
    expect(Array.from(downsample(density, { method: 'bicubic' }).data)).toEqual(Array.from(readMap('adaptive_non8_shape.target8.npy').data));
    expect(downsample(density, { method: 'bicubic', factor: 2 })).toEqual(resizeCubicTarget(density, 2));
  });

  it('rejects an unknown method', () => {
    expect(() => downsample(density, { method: 'area' as DownsampleMethod })).toThrow(
      `Invalid downsample option "method": expected 'sum' or 'bicubic', received "area".`,
    );
  });
});
