import { describe, expect, test } from 'vitest';
import { densityOverlay } from './density-overlay.js';
import { HEATMAP_OVERLAY_DEFAULTS, heatmapOverlay } from './heatmap-overlay.js';

describe('heatmapOverlay', () => {
  // 200 positive cells 1…200 and 40 negative ones: the scale tops at the 99 % quantile, 198.
  const data = Float32Array.from({ length: 240 }, (_, i) => (i < 200 ? i + 1 : -50));
  const map = { height: 12, width: 20, data };

  test('defaults: turbo, max alpha 0.65, top at the 0.99 quantile of the positive cells, clamped above it', () => {
    expect(HEATMAP_OVERLAY_DEFAULTS).toEqual({ colourMap: 'turbo', maxAlpha: 0.65, quantile: 0.99 });
    const overlay = heatmapOverlay(map, 40, 24);
    expect(overlay.vmax).toBe(198);
    expect(overlay.clamped).toBe(true);
    expect(overlay.rgba).toEqual(densityOverlay(map, 40, 24, { colourMap: 'turbo', vmax: 198, maxAlpha: 0.65 }));
  });

  test('the scale starts at 0, not at the minimum: negative cells are transparent', () => {
    const overlay = heatmapOverlay({ height: 1, width: 2, data: Float32Array.of(-4, 2) }, 2, 1, { quantile: 1 });
    expect(overlay).toMatchObject({ vmax: 2, clamped: false });
    expect(overlay.rgba[3]).toBe(0);
    expect(overlay.rgba[7]).toBe(Math.round(0.65 * 255));
  });

  test('no positive density: vmax 0 and nothing drawn', () => {
    const overlay = heatmapOverlay({ height: 2, width: 2, data: Float32Array.of(-1, -2, 0, -3) }, 16, 16);
    expect(overlay.vmax).toBe(0);
    expect(overlay.clamped).toBe(false);
    expect(overlay.rgba.every((v) => v === 0)).toBe(true);
  });

  test('options out of range are errors naming the option', () => {
    expect(() => heatmapOverlay(map, 4, 4, { maxAlpha: 1.5 })).toThrow('heatmapOverlay: maxAlpha must be between 0 and 1, got 1.5');
    expect(() => heatmapOverlay(map, 4, 4, { quantile: Number.NaN })).toThrow(/quantile must be between 0 and 1, got NaN/);
  });
});
