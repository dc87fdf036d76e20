import { describe, expect, test } from 'vitest';
import type { CountImage } from './count-image.ts';
import { createCounter } from './counter.ts';
import type { DensityEngine } from './density-engine.ts';
import { CountError } from './errors.ts';

/** An engine whose density is a function of the cell's position in the whole image (so tiling can be checked exactly). */
function fakeEngine(value: (row: number, col: number) => number, passPixels = 2_000_000): DensityEngine & { calls: Array<[number, number]> } {
  const calls: Array<[number, number]> = [];
  return {
    name: 'fake',
    passPixels,
    calls,
    async predict(image: CountImage) {
      calls.push([image.width, image.height]);
      // The tile's first pixel's red channel carries its x / 8, green its y / 8 (see image()).
      const col0 = image.data[0];
      const row0 = image.data[1];
      const h = Math.floor(image.height / 8);
      const w = Math.floor(image.width / 8);
      const data = new Float32Array(h * w);
      for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) data[r * w + c] = value(row0 + r, col0 + c);
      return { height: h, width: w, data };
    },
    async dispose() {},
  };
}

/** An RGB image whose pixel (x, y) has red = ⌊x/8⌋ and green = ⌊y/8⌋. */
function image(width: number, height: number, channels: 3 | 4 = 3): CountImage {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data[(y * width + x) * channels] = Math.floor(x / 8);
      data[(y * width + x) * channels + 1] = Math.floor(y / 8);
    }
  }
  return { data, width, height, channels };
}

describe('createCounter', () => {
  test('one pass under the budget: the count is the sum of the density, with its shape, tiles and engine', async () => {
    const counter = createCounter({ engine: fakeEngine(() => 0.25) });
    const result = await counter.count(image(100, 60));
    expect(result).toMatchObject({ count: 0.25 * 12 * 7, width: 100, height: 60, scale: 1, tiles: 1, engine: 'fake', warnings: [] });
    expect([result.density.height, result.density.width]).toEqual([7, 12]);
    expect(result.points).toBeUndefined();
  });

  test("above the engine's pixel budget the image is tiled, and the assembled map is the whole image's", async () => {
    const engine = fakeEngine((r, c) => r * 100 + c, 400 * 400);
    const counter = createCounter({ engine });
    const result = await counter.count(image(640, 480, 4));
    // 400² budget → 400-px (50-cell) tiles whose counted parts advance ≥ 50 − 2·18 cells: 80 cells → 4 columns, 60 → 2 rows.
    expect(result.tiles).toBe(8);
    expect(engine.calls.every(([w, h]) => w * h <= 400 * 400)).toBe(true);
    for (let r = 0; r < 60; r++) for (let c = 0; c < 80; c++) expect(result.density.data[r * 80 + c]).toBe(r * 100 + c);
  });

  test('points: one per person, in image pixels', async () => {
    const counter = createCounter({ engine: fakeEngine((r, c) => (r === 3 && c === 5 ? 1 : 0)) });
    const result = await counter.count(image(96, 64), { points: true });
    expect(result.scale).toBe(1);
    // The cell centre (5.5, 3.5) · 8 px, to within the smoothing's edge renormalisation (1e-4 px).
    expect(Array.from(result.points!).map((v) => v.toFixed(3))).toEqual(['44.000', '28.000']);
  });

  test("a resized copy with original set: the photo's size, its pixels for points, and the scale counted at", async () => {
    const counter = createCounter({ engine: fakeEngine((r, c) => (r === 3 && c === 5 ? 1 : 0)) });
    const result = await counter.count(image(96, 64), { points: true, original: { width: 192, height: 128 } });
    expect(result).toMatchObject({ width: 192, height: 128, scale: 0.5, count: 1 });
    expect([result.density.width, result.density.height]).toEqual([12, 8]);
    expect(Array.from(result.points!).map((v) => v.toFixed(3))).toEqual(['88.000', '56.000']);
    await expect(counter.count(image(96, 64), { original: { width: 0, height: 128 } })).rejects.toThrow('original: expected a positive integer width and height, got 0×128');
  });

  test('a negative density comes with a warning, never silently', async () => {
    const result = await createCounter({ engine: fakeEngine(() => -0.01) }).count(image(64, 64));
    expect(result.count).toBeCloseTo(-0.64, 6);
    expect(result.warnings.map((w) => w.code)).toEqual(['NEGATIVE_COUNT']);
  });

  test('a NaN or infinite density is NON_FINITE_COUNT naming the image, not a count', async () => {
    for (const bad of [NaN, Infinity]) {
      const counter = createCounter({ engine: fakeEngine((r) => (r === 2 ? bad : 0)) });
      const error = await counter.count(image(64, 64), { source: 'a.jpg' }).catch((e) => e);
      expect(error).toBeInstanceOf(CountError);
      expect(error.code).toBe('NON_FINITE_COUNT');
      expect(error.message).toMatch(/^a\.jpg: fake produced a density that sums to (NaN|Infinity)/);
    }
  });

  test('bad images and tilings are INPUT_INVALID with what is wrong', async () => {
    const counter = createCounter({ engine: fakeEngine(() => 0) });
    await expect(counter.count(image(7, 100), { source: 'tiny.png' })).rejects.toThrow('tiny.png: the image is 7×100 pixels; CSRNet needs at least 8×8');
    await expect(counter.count({ data: new Uint8Array(10), width: 4, height: 4 })).rejects.toThrow('expected 48 bytes for 4×4 pixels with 3 channels, found 10');
    await expect(counter.count(image(64, 64), { tile: 256 })).rejects.toThrow('the tile size must be a multiple of 8 pixels ≥ 2 × margin + 8 = 296, got 256');
  });
});
