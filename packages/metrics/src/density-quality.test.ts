import { describe, expect, test } from 'vitest';
import type { DensityMap } from './density-map.js';
import { DensityQuality } from './density-quality.js';
import { psnr } from './psnr.js';
import { ssim } from './ssim.js';

const ramp = (phase: number, scale: number): DensityMap => ({
  height: 9,
  width: 10,
  data: Float64Array.from({ length: 90 }, (_, i) => scale * Math.sin(i * 0.37 + phase) ** 2),
});

describe('DensityQuality', () => {
  test('averages PSNR and SSIM over pairs and returns each pair\'s scores', () => {
    const pairs = [
      [ramp(0, 0.012), ramp(0, 0.01)],
      [ramp(1, 0.009), ramp(1.1, 0.01)],
    ] as const;
    const options = { dataRange: 0.01, windowSize: 5 };
    const q = new DensityQuality(options);
    for (const [pred, truth] of pairs) {
      expect(q.add(pred, truth)).toEqual({ psnr: psnr(pred, truth, options), ssim: ssim(pred, truth, options) });
    }
    const p = pairs.map(([pred, truth]) => psnr(pred, truth, options));
    const s = pairs.map(([pred, truth]) => ssim(pred, truth, options));
    expect(q.result()).toEqual({ n: 2, psnr: (p[0] + p[1]) / 2, ssim: (s[0] + s[1]) / 2 });
  });

  test('checks options at construction and needs a pair before result()', () => {
    expect(() => new DensityQuality({ windowSize: 6 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => new DensityQuality({ dataRange: -1 })).toThrow(/dataRange must be a finite number > 0, got -1/);
    expect(() => new DensityQuality().result()).toThrow(expect.objectContaining({ code: 'EMPTY' }));
  });
});
