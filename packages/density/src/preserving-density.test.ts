import { describe, expect, it } from 'vitest';
import { densityCases, maxAbsDiff, total } from '../test/density-fixtures.ts';
import { densityMap, densityMapWithStats } from './density-map.js';

const cases = densityCases();

describe("densityMap, mode 'preserving'", () => {
  const grid = cases.flatMap((c) => (['adaptive', 'fixed'] as const).map((kernel) => [c.name, kernel, c] as const));

  it.each(grid)('%s, %s kernel: sums to the number of in-image heads', (_name, kernel, c) => {
    const [height, width] = c.shape;
    const inside = c.points.filter(([x, y]) => x >= 0 && x < width && y >= 0 && y < height).length;
    const { map, headsUsed, headsDropped, headsMerged } = densityMapWithStats(c.points, { height, width }, { kernel });
    expect(map.data).toBeInstanceOf(Float32Array);
    expect([map.height, map.width]).toEqual(c.shape);
    expect([headsUsed, headsDropped, headsMerged]).toEqual([inside, c.points.length - inside, 0]);
    expect(Math.abs(total(map.data) - inside)).toBeLessThan(1e-4);
    expect(map.data.every((v) => v >= 0)).toBe(true);
  });

  it('adds heads that share a pixel instead of collapsing them (adaptive_duplicates: 8 heads, 5 pixels)', () => {
    const c = cases.find((x) => x.name === 'adaptive_duplicates')!;
    expect(total(densityMap(c.points, { height: 60, width: 80 }).data)).toBeCloseTo(8, 4);
  });

  it('drops heads outside [0, W)×[0, H) instead of wrapping them (adaptive_negative_wrap, adaptive_out_of_bounds)', () => {
    const wrap = cases.find((x) => x.name === 'adaptive_negative_wrap')!;
    expect(densityMapWithStats(wrap.points, { height: 60, width: 80 })).toMatchObject({ headsUsed: 5, headsDropped: 2 });
    // (-0.6, 25.3) is kept by the reference's int() but lies outside the image.
    const out = cases.find((x) => x.name === 'adaptive_out_of_bounds')!;
    expect(densityMapWithStats(out.points, { height: 60, width: 80 })).toMatchObject({ headsUsed: 6, headsDropped: 4 });
    expect(densityMapWithStats([[79.99, 59.99], [0, 0], [80, 1], [1, 60], [-1e-9, 5]], { height: 60, width: 80 })).toMatchObject({ headsUsed: 2, headsDropped: 3 });
  });

  it('centres each head on its sub-pixel position (pixel j covers [j, j + 1))', () => {
    for (const [x, y] of [[30.25, 20.75], [41.5, 33.5], [50.9, 20.1]]) {
      const map = densityMap([[x, y]], { height: 60, width: 80 }, { kernel: 'fixed', sigma: 4 });
      let cx = 0;
      let cy = 0;
      map.data.forEach((v, i) => {
        cx += v * ((i % 80) + 0.5);
        cy += v * (Math.floor(i / 80) + 0.5);
      });
      expect(cx).toBeCloseTo(x, 3);
      expect(cy).toBeCloseTo(y, 3);
    }
  });

  it('puts a head whose k neighbours are all co-located (σ = 0) entirely in its pixel', () => {
    const stacked: [number, number][] = [[12.3, 7.8], [12.3, 7.8], [12.3, 7.8], [12.3, 7.8]];
    const map = densityMap(stacked, { height: 16, width: 24 });
    expect(map.data[7 * 24 + 12]).toBe(4);
    expect(total(map.data)).toBe(4);
  });

  it('equals the reference map away from the border for heads at pixel centres (no clipping, no collapsing)', () => {
    const heads = [[30, 22], [38, 25], [45, 31], [33, 35], [41, 40], [50, 27]];
    const size = { height: 64, width: 80 };
    const centred = heads.map(([x, y]) => [x + 0.5, y + 0.5] as [number, number]);
    const asRef = densityMap(heads as [number, number][], size, { mode: 'reference' });
    const preserving = densityMap(centred, size);
    expect(maxAbsDiff(preserving.data, asRef.data)).toBeLessThan(1e-6);
    expect(total(preserving.data)).toBeCloseTo(6, 4);
  });
});
