import { describe, expect, test } from 'vitest';
import { gaussianFilter, gaussianRadius, uniformFilter } from './reflect-filter.js';

describe('uniformFilter', () => {
  test('reflects half-sample symmetric at the ends (1 × 4, size 3)', () => {
    // Extended line 1 | 1 2 3 4 | 4.
    const out = uniformFilter(Float64Array.of(1, 2, 3, 4), 1, 4, 3);
    expect(Array.from(out).map((v) => +v.toFixed(12))).toEqual([4 / 3, 2, 3, 11 / 3].map((v) => +v.toFixed(12)));
  });

  test('filters both axes: a centred delta spreads to 1/9 everywhere in 3 × 3', () => {
    // Every reflected 3×3 window, even at a corner (rows 0, 0, 1 × columns 0, 0, 1), holds the centre once.
    const out = uniformFilter(Float64Array.of(0, 0, 0, 0, 1, 0, 0, 0, 0), 3, 3, 3);
    for (const v of out) expect(v).toBeCloseTo(1 / 9, 15);
  });

  test('keeps a constant image constant', () => {
    for (const v of uniformFilter(new Float64Array(8 * 9).fill(0.3), 8, 9, 7)) expect(v).toBeCloseTo(0.3, 15);
  });
});

describe('gaussianFilter', () => {
  test('σ = 1.5, truncate 3.5 gives scipy\'s 11-tap kernel exp(−k²/2σ²) / Σ', () => {
    expect(gaussianRadius(1.5, 3.5)).toBe(5);
    const line = new Float64Array(21);
    line[10] = 1;
    const out = gaussianFilter(line, 1, 21, 1.5, 3.5);
    const raw = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / 4.5));
    const total = raw.reduce((a, b) => a + b, 0);
    raw.forEach((w, i) => expect(out[5 + i]).toBeCloseTo(w / total, 15));
    expect(out[4]).toBe(0);
    expect(out[16]).toBe(0);
  });

  test('keeps a constant image constant', () => {
    for (const v of gaussianFilter(new Float64Array(11 * 12).fill(2), 11, 12, 1.5, 3.5)) expect(v).toBeCloseTo(2, 14);
  });
});
