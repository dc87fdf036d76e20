import { describe, expect, it } from 'vitest';
import { densityCases } from '../test/density-fixtures.ts';
import { adaptiveSigmas } from './adaptive-sigmas.js';
import { DensityError } from './errors.js';
import { referenceGrid } from './reference-grid.js';

describe('adaptiveSigmas', () => {
  const withSigmas = densityCases().filter((c) => c.expected?.sigma_min_max !== undefined);

  it.each(withSigmas.map((c) => [c.name, c] as const))('%s: min and max σ equal the reference bit for bit', (_name, c) => {
    const [height, width] = c.shape;
    const grid = referenceGrid(new Float64Array(c.points.flat()), height, width).xy;
    const sigmas = adaptiveSigmas(grid, { height, width });
    expect(sigmas.length).toBe(c.points_on_grid);
    expect([Math.min(...sigmas), Math.max(...sigmas)]).toEqual(c.expected?.sigma_min_max);
  });

  it('covers the float64 detail: three neighbours at distance 1 give 0.30000000000000004, as (1+1+1)*0.1 does', () => {
    expect(adaptiveSigmas([[5, 5], [6, 5], [4, 5], [5, 6]], { height: 20, width: 20 })[0]).toBe(0.30000000000000004);
  });

  it('gives (H + W) / 8 to a single head and nothing to no head', () => {
    expect(Array.from(adaptiveSigmas([[20.3, 30.8]], { height: 48, width: 64 }))).toEqual([14]);
    expect(adaptiveSigmas([], { height: 48, width: 64 }).length).toBe(0);
  });

  it('averages over the neighbours that exist when there are fewer than k (2 and 3 heads)', () => {
    // adaptive_two_points / adaptive_three_points on the grid: (10, 12), (40, 30), (5, 44).
    const ab = Math.sqrt(30 ** 2 + 18 ** 2);
    const ac = Math.sqrt(5 ** 2 + 32 ** 2);
    const bc = Math.sqrt(35 ** 2 + 14 ** 2);
    const two = adaptiveSigmas([[10, 12], [40, 30]], { height: 48, width: 64 });
    expect(two[0]).toBeCloseTo(0.3 * 34.9857113690718, 12);
    expect(two[1]).toBe(two[0]);
    const three = adaptiveSigmas([[10, 12], [40, 30], [5, 44]], { height: 48, width: 64 });
    expect(three[0]).toBeCloseTo((0.3 * (ab + ac)) / 2, 12);
    expect(three[1]).toBeCloseTo((0.3 * (ab + bc)) / 2, 12);
    expect(three[2]).toBeCloseTo((0.3 * (ac + bc)) / 2, 12);
    expect(three[2]).toBeCloseTo(10.512663, 5);
  });

  it('honours k and beta, and treats co-located heads as neighbours at distance 0', () => {
    const heads: [number, number][] = [[0, 0], [3, 4], [6, 8], [0, 0]];
    expect(Array.from(adaptiveSigmas(heads, { height: 10, width: 10 }, { k: 1, beta: 1 }))).toEqual([0, 5, 5, 0]);
    expect(adaptiveSigmas(heads, { height: 10, width: 10 }, { k: 2, beta: 0.5 })[1]).toBeCloseTo(5 / 2, 15);
    const stacked = adaptiveSigmas(new Float64Array([7, 7, 7, 7, 7, 7, 7, 7]), { height: 10, width: 10 });
    expect(Array.from(stacked)).toEqual([0, 0, 0, 0]);
  });

  it('accepts interleaved Float64Array and [x, y] pairs alike', () => {
    const pairs: [number, number][] = [[1.5, 2], [10, 3.25], [4, 9], [7.75, 7], [2, 2]];
    expect(adaptiveSigmas(new Float64Array(pairs.flat()), { height: 12, width: 12 })).toEqual(adaptiveSigmas(pairs, { height: 12, width: 12 }));
  });

  it('is exact and fast on 10⁵ heads (checked against brute force on a sample)', () => {
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
    const n = 100_000;
    const xy = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      // Half uniform over 1024×768, half in a dense 40×40 crowd.
      const dense = i % 2 === 0;
      xy[2 * i] = dense ? 300 + 40 * random() : 1024 * random();
      xy[2 * i + 1] = dense ? 200 + 40 * random() : 768 * random();
    }
    const start = performance.now();
    const sigmas = adaptiveSigmas(xy, { height: 768, width: 1024 });
    const elapsed = performance.now() - start;
    expect(elapsed).toBeLessThan(1000);

    for (let s = 0; s < 25; s++) {
      const i = Math.floor(random() * n);
      const d = [Infinity, Infinity, Infinity];
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const dj = Math.hypot(xy[2 * j] - xy[2 * i], xy[2 * j + 1] - xy[2 * i + 1]);
        if (dj < d[2]) d.splice(d.findIndex((v) => dj < v), 0, dj).pop();
      }
      expect(sigmas[i]).toBeCloseTo((d[0] + d[1] + d[2]) * 0.1, 12);
    }
  });

  it('rejects bad input with a DensityError', () => {
    expect(() => adaptiveSigmas([[1, Number.NaN]], { height: 5, width: 5 })).toThrow(DensityError);
    expect(() => adaptiveSigmas([[1, 1]], { height: 5, width: 5 }, { k: 0 })).toThrow(/"k"/);
    expect(() => adaptiveSigmas([[1, 1]], { height: 0, width: 5 })).toThrow(/height/);
  });
});
