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

  it('is exact on 10⁵ heads (checked against brute force on a sample)', () => {
    const random = lcg(12345);
    const n = 100_000;
    const xy = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      // Half uniform over 1024×768, half in a dense 40×40 crowd.
      const dense = i % 2 === 0;
      xy[2 * i] = dense ? 300 + 40 * random() : 1024 * random();
      xy[2 * i + 1] = dense ? 200 + 40 * random() : 768 * random();
    }
    const sigmas = adaptiveSigmas(xy, { height: 768, width: 1024 });
    for (let s = 0; s < 25; s++) {
      const i = Math.floor(random() * n);
      expect(sigmas[i]).toBe(bruteForceSigma(xy, i));
    }
  });

  it('gives σ = 0 to 200,000 clicks on one spot (the kNN stays O(n log n) on coincident heads)', () => {
    const n = 200_000;
    const sigmas = adaptiveSigmas(new Float64Array(2 * n).fill(123.25), { height: 768, width: 1024 });
    expect(sigmas.length).toBe(n);
    expect(sigmas.every((sigma) => sigma === 0)).toBe(true);
  });

  it('is exact on duplicated and near-coincident clicks among ordinary heads', () => {
    const random = lcg(777);
    const heads: number[] = [];
    for (let i = 0; i < 2000; i++) heads.push(1024 * random(), 768 * random());
    // Every 10th head clicked 1 to 4 more times, some exactly, some 1e-9 px off.
    for (let i = 0; i < 2000; i += 10) {
      for (let c = 0; c <= i % 4; c++) heads.push(heads[2 * i] + (c % 2) * 1e-9, heads[2 * i + 1]);
    }
    // 50,000 heads packed into a 1e-10 px square.
    for (let i = 0; i < 50_000; i++) heads.push(500 + 1e-10 * random(), 400 + 1e-10 * random());
    const xy = new Float64Array(heads);
    const sigmas = adaptiveSigmas(xy, { height: 768, width: 1024 });
    const n = xy.length / 2;
    for (let s = 0; s < 60; s++) {
      const i = s < 30 ? Math.floor(random() * 2500) : Math.floor(random() * n);
      expect(sigmas[i]).toBe(bruteForceSigma(xy, i));
    }
  });

  it('rejects bad input with a DensityError', () => {
    expect(() => adaptiveSigmas([[1, Number.NaN]], { height: 5, width: 5 })).toThrow(DensityError);
    expect(() => adaptiveSigmas([[1, 1]], { height: 5, width: 5 }, { k: 0 })).toThrow(/"k"/);
    expect(() => adaptiveSigmas([[1, 1]], { height: 0, width: 5 })).toThrow(/height/);
  });
});

/** A seeded linear congruential generator over [0, 1). */
function lcg(seed: number): () => number {
  return () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/** σ of head `i` with the defaults (k 3, beta 0.3) by a full scan, summed nearest first as the reference does. */
function bruteForceSigma(xy: Float64Array, i: number): number {
  const d2 = [Infinity, Infinity, Infinity];
  for (let j = 0; j < xy.length / 2; j++) {
    if (j === i) continue;
    const dx = xy[2 * j] - xy[2 * i];
    const dy = xy[2 * j + 1] - xy[2 * i + 1];
    const dj = dx * dx + dy * dy;
    if (dj < d2[2]) d2.splice(d2.findIndex((v) => dj < v), 0, dj).pop();
  }
  return (Math.sqrt(d2[0]) + Math.sqrt(d2[1]) + Math.sqrt(d2[2])) * 0.1;
}
