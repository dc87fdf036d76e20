import { describe, expect, test } from 'vitest';
import { colourTable } from './colour-map.js';
import { densityOverlay } from './density-overlay.js';

const pixels = (rgba: Uint8Array) => Array.from({ length: rgba.length / 4 }, (_, i) => Array.from(rgba.subarray(4 * i, 4 * i + 4)));

describe('densityOverlay', () => {
  test('1×2 map [0, 1] to 4×1: bilinear values 0, ¼, ¾, 1 → colour level and alpha from density / vmax', () => {
    const lut = colourTable('inferno');
    const colour = (level: number) => Array.from(lut.subarray(3 * level, 3 * level + 3));
    const out = densityOverlay({ height: 1, width: 2, data: Float32Array.of(0, 1) }, 4, 1, { colourMap: 'inferno', vmax: 1, maxAlpha: 1 });
    expect(pixels(out)).toEqual([
      [...colour(0), 0],
      [...colour(64), 64], // round(0.25 × 255)
      [...colour(191), 191],
      [...colour(255), 255],
    ]);
  });

  test('alpha scales with maxAlpha; values above vmax and below 0 are clamped', () => {
    const out = densityOverlay({ height: 1, width: 3, data: Float32Array.of(-1, 0.5, 2) }, 3, 1, { colourMap: 'viridis', vmax: 1, maxAlpha: 0.5 });
    expect(pixels(out).map((p) => p[3])).toEqual([0, 64, 128]);
    expect(pixels(out)[2].slice(0, 3)).toEqual([253, 231, 37]);
  });

  test('a map with no positive density is fully transparent', () => {
    const out = densityOverlay({ height: 2, width: 2, data: new Float32Array(4) }, 16, 16, { colourMap: 'turbo', vmax: 0, maxAlpha: 0.65 });
    expect(out).toHaveLength(16 * 16 * 4);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  test('2-D: a pixel beside a cell centre takes the bilinear product weight; corners clamp to the corner cell', () => {
    const map = { height: 2, width: 2, data: Float32Array.of(0, 0, 0, 1) };
    const out = densityOverlay(map, 16, 16, { colourMap: 'turbo', vmax: 1, maxAlpha: 1 });
    // Output pixel 11.5 → source 11.5·2/16 − ½ = 0.9375 on both axes: 0.9375² of cell (1,1).
    expect(out[(11 * 16 + 11) * 4 + 3]).toBe(Math.round(0.9375 ** 2 * 255));
    expect(out[(15 * 16 + 15) * 4 + 3]).toBe(255);
    expect(out[3]).toBe(0);
  });
});
