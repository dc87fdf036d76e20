import { describe, expect, test } from 'vitest';
import type { DensityMap } from './density-map.js';
import { ssim } from './ssim.js';

const filled = (height: number, width: number, value: number): DensityMap => ({ height, width, data: new Float64Array(height * width).fill(value) });
const ramp = (height: number, width: number, scale: number): DensityMap => ({
  height,
  width,
  data: Float64Array.from({ length: height * width }, (_, i) => scale * Math.sin(i * 0.37) ** 2),
});

describe('ssim', () => {
  test('a map against itself is exactly 1', () => {
    const m = ramp(9, 12, 0.01);
    expect(ssim(m, m)).toBe(1);
    expect(ssim(ramp(12, 12, 0.01), ramp(12, 12, 0.01), { gaussianWeights: true })).toBe(1);
  });

  test('flat maps worked by hand: variances vanish, S = (2ab + C₁) / (a² + b² + C₁)', () => {
    // a = 1, b = 0.5, R = 1: C₁ = 1e-4, C₂ cancels → 1.0001 / 1.2501.
    expect(ssim(filled(8, 8, 1), filled(8, 8, 0.5), { dataRange: 1 })).toBeCloseTo(1.0001 / 1.2501, 12);
  });

  test('defaults dataRange to max(truth) − min(truth)', () => {
    const pred = ramp(10, 11, 0.012);
    const truth = ramp(10, 11, 0.01);
    const range = Math.max(...truth.data) - Math.min(...truth.data);
    expect(ssim(pred, truth)).toBe(ssim(pred, truth, { dataRange: range }));
    expect(ssim(pred, truth)).not.toBe(ssim(pred, truth, { dataRange: 2 * range }));
  });

  test('Gaussian weights default to population covariance (the paper\'s SSIM)', () => {
    const pred = ramp(12, 13, 0.012);
    const truth = ramp(12, 13, 0.01);
    const paper = ssim(pred, truth, { gaussianWeights: true });
    expect(paper).toBe(ssim(pred, truth, { gaussianWeights: true, sampleCovariance: false }));
    expect(paper).not.toBe(ssim(pred, truth, { gaussianWeights: true, sampleCovariance: true }));
  });

  test('bad options and shapes throw MetricsError naming the values', () => {
    const m = ramp(8, 8, 1);
    const code = (c: string) => expect.objectContaining({ code: c });
    expect(() => ssim(m, m, { windowSize: 4 })).toThrow(/odd integer ≥ 3, got 4/);
    expect(() => ssim(m, m, { windowSize: 1 })).toThrow(code('INVALID_OPTION'));
    expect(() => ssim(m, m, { windowSize: 9 })).toThrow(/window is 9×9 but the maps are 8×8/);
    expect(() => ssim(m, m, { windowSize: 9 })).toThrow(code('IMAGE_TOO_SMALL'));
    expect(() => ssim(m, m, { gaussianWeights: true })).toThrow(code('IMAGE_TOO_SMALL'));
    expect(() => ssim(m, m, { gaussianWeights: true, windowSize: 7 })).toThrow(/fixed|window is 11×11/);
    expect(() => ssim(m, m, { K1: 0 })).toThrow(/K1 must be a finite number > 0, got 0/);
    expect(() => ssim(m, m, { K2: Number.NaN })).toThrow(code('INVALID_OPTION'));
    expect(() => ssim(m, ramp(8, 9, 1))).toThrow(code('SIZE_MISMATCH'));
    expect(() => ssim(m, filled(8, 8, 0))).toThrow(code('ZERO_DATA_RANGE'));
  });
});
