import { describe, expect, test } from 'vitest';
import type { DensityMap } from './density-map.js';
import { psnr } from './psnr.js';

const map = (height: number, width: number, values: number[]): DensityMap => ({ height, width, data: Float64Array.from(values) });

describe('psnr', () => {
  const truth = map(2, 2, [0, 1, 0, 1]);
  const pred = map(2, 2, [0, 1, 0, 0.5]);

  test('worked by hand: MSE = 0.5² / 4 = 1/16', () => {
    expect(psnr(pred, truth)).toBeCloseTo(10 * Math.log10(16), 12); // R = max − min of truth = 1
    expect(psnr(pred, truth, { dataRange: 2 })).toBeCloseTo(10 * Math.log10(64), 12);
  });

  test('identical maps give Infinity, as scikit-image does', () => {
    expect(psnr(truth, truth)).toBe(Infinity);
  });

  test('accepts float32 maps and computes in float64', () => {
    const p32: DensityMap = { height: 2, width: 2, data: Float32Array.from(pred.data) };
    expect(psnr(p32, truth)).toBe(psnr(pred, truth));
  });

  test('bad input throws MetricsError naming the values', () => {
    const code = (c: string) => expect.objectContaining({ code: c });
    expect(() => psnr(map(1, 4, [0, 1, 0, 1]), truth)).toThrow(code('SIZE_MISMATCH'));
    expect(() => psnr(map(1, 4, [0, 1, 0, 1]), truth)).toThrow(/pred is 1×4 but truth is 2×2/);
    expect(() => psnr(pred, map(2, 2, [0.5, 0.5, 0.5, 0.5]))).toThrow(code('ZERO_DATA_RANGE'));
    expect(() => psnr(pred, map(2, 2, [0.5, 0.5, 0.5, 0.5]))).toThrow(/every value is 0.5/);
    expect(() => psnr(pred, truth, { dataRange: 0 })).toThrow(code('INVALID_OPTION'));
    expect(() => psnr(map(2, 2, [0, Infinity, 0, 0]), truth)).toThrow(code('NOT_FINITE'));
  });
});
