import { describe, expect, it } from 'vitest';
import { densityCases, maxAbsDiff, readMap, total, type DensityCase } from '../test/density-fixtures.ts';
import { densityMap, densityMapWithStats } from './density-map.js';

const reference = (c: DensityCase, points = c.points) =>
  densityMapWithStats(points, { height: c.shape[0], width: c.shape[1] }, { mode: 'reference', kernel: c.method, sigma: c.params.sigma, truncate: c.params.truncate });

const cases = densityCases();
const withMaps = cases.filter((c) => c.expected !== undefined).map((c) => [c.name, c] as const);

describe("densityMap, mode 'reference'", () => {
  it.each(withMaps)('%s: matches the reference map', (_name, c) => {
    const { map, headsUsed } = reference(c);
    const expected = readMap(c.expected!.npy);
    expect([map.height, map.width]).toEqual(c.shape);
    expect(map.data).toBeInstanceOf(c.expected!.dtype === 'float32' ? Float32Array : Float64Array);
    expect(maxAbsDiff(map.data, expected.data)).toBeLessThanOrEqual(c.expected!.dtype === 'float32' ? 1e-6 : 1e-12);
    expect(total(map.data)).toBeCloseTo(c.expected!.sum, 5);
    expect(headsUsed).toBe(c.points_on_grid);
  });

  it('reproduces every adaptive (float32) map bit for bit', () => {
    for (const [, c] of withMaps.filter(([, c]) => c.method === 'adaptive')) {
      expect(Array.from(reference(c).map.data), c.name).toEqual(Array.from(readMap(c.expected!.npy).data));
    }
  });

  it('counts dropped and merged heads (adaptive_out_of_bounds, adaptive_duplicates)', () => {
    const byName = new Map(cases.map((c) => [c.name, c]));
    expect(reference(byName.get('adaptive_out_of_bounds')!)).toMatchObject({ headsUsed: 7, headsDropped: 3, headsMerged: 0 });
    expect(reference(byName.get('adaptive_duplicates')!)).toMatchObject({ headsUsed: 5, headsDropped: 0, headsMerged: 3 });
  });

  it('adaptive_negative_wrap: without the wrapped heads it gives the fixture’s if_dropped map', () => {
    const c = cases.find((x) => x.name === 'adaptive_negative_wrap')!;
    const kept = c.points.filter(([x, y]) => Math.trunc(x) >= 0 && Math.trunc(y) >= 0);
    expect(kept.length).toBe(5);
    const map = reference(c, kept).map;
    const expected = readMap(c.expected_if_dropped!.npy);
    expect(maxAbsDiff(map.data, expected.data)).toBeLessThanOrEqual(1e-6);
    expect(total(map.data)).toBeCloseTo(c.expected_if_dropped!.sum, 5);
  });

  /** scipy's constant-mode Gaussian per head, written out by hand in float64. */
  function handMap(heads: number[][], sigmas: number[], height: number, width: number): Float64Array {
    const out = new Float64Array(height * width);
    heads.forEach(([x, y], p) => {
      const s = sigmas[p];
      const r = Math.trunc(4 * s + 0.5);
      const g = (t: number) => Math.exp(-(t * t) / (2 * s * s));
      let norm = 0;
      for (let t = -r; t <= r; t++) norm += g(t);
      for (let i = Math.max(0, y - r); i <= Math.min(height - 1, y + r); i++) {
        for (let j = Math.max(0, x - r); j <= Math.min(width - 1, x + r); j++) out[i * width + j] += (g(i - y) * g(j - x)) / (norm * norm);
      }
    });
    return out;
  }

  it.each([
    // Two heads: each one's only neighbour is the other, σ = 0.3·d.
    ['adaptive_two_points', [0.3 * Math.sqrt(1224), 0.3 * Math.sqrt(1224)]],
    // Three heads: σ = 0.3 · mean of the two distances.
    [
      'adaptive_three_points',
      [0.15 * (Math.sqrt(1224) + Math.sqrt(1049)), 0.15 * (Math.sqrt(1224) + Math.sqrt(1421)), 0.15 * (Math.sqrt(1049) + Math.sqrt(1421))],
    ],
  ])('%s (the reference crashes): σ from the neighbours that exist', (name, sigmas) => {
    const c = cases.find((x) => x.name === name)!;
    expect(c.expected_error?.type).toBe('OverflowError');
    const { map, headsUsed } = reference(c);
    expect(map.data).toBeInstanceOf(Float32Array);
    expect([map.height, map.width]).toEqual([48, 64]);
    expect(headsUsed).toBe(sigmas.length);
    const grid = c.points.map(([x, y]) => [Math.trunc(x), Math.trunc(y)]);
    const hand = handMap(grid, sigmas, 48, 64);
    expect(maxAbsDiff(map.data, hand)).toBeLessThan(1e-6);
    // σ ≈ 10 on a 48×64 image: the border takes a large share, as in every reference adaptive map.
    expect(total(map.data)).toBeCloseTo(total(hand), 5);
    expect(total(map.data)).toBeLessThan(sigmas.length);
    expect(total(map.data)).toBeGreaterThan(sigmas.length / 2);
  });

  it('honours sigma and truncate for the fixed kernel', () => {
    const c = cases.find((x) => x.name === 'fixed4_random')!;
    const map = densityMap(c.points, { height: 60, width: 80 }, { mode: 'reference', kernel: 'fixed', sigma: 4 });
    expect(maxAbsDiff(map.data, readMap(c.expected!.npy).data)).toBeLessThanOrEqual(1e-12);
  });
});
