import { describe, expect, it } from 'vitest';
import { clippedTaps, gaussianKernel, kernelRadius, reflectIndex, reflectedTaps, subpixelTaps } from './gaussian-kernel.js';

describe('kernelRadius', () => {
  it('is int(truncate·σ + 0.5) as in scipy', () => {
    expect(kernelRadius(15, 4)).toBe(60);
    expect(kernelRadius(4, 4)).toBe(16);
    expect(kernelRadius(1.0625, 4)).toBe(4); // 4.75 → 4
    expect(kernelRadius(1.125, 4)).toBe(5); // 5.0 → 5
    expect(kernelRadius(0.1, 4)).toBe(0);
  });
});

describe('gaussianKernel', () => {
  it('is the normalised, symmetric exp(-t²/2σ²) on [-r, r]', () => {
    const w = gaussianKernel(2, 8);
    expect(w.length).toBe(17);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    for (let t = 0; t <= 8; t++) {
      expect(w[8 + t]).toBe(w[8 - t]);
      expect(w[8 + t] / w[8]).toBeCloseTo(Math.exp(-(t * t) / 8), 15);
    }
    // Truncated at 4σ and sampled, the centre weight is just above 1/(σ√(2π)) = 0.19947114.
    expect(w[8]).toBeGreaterThan(0.19947114);
    expect(w[8]).toBeLessThan(0.1995);
  });
});

describe('clippedTaps', () => {
  it('keeps the part of the kernel inside [0, n)', () => {
    const w = gaussianKernel(1, 4);
    const taps = clippedTaps(w, 1, 10);
    expect(taps.start).toBe(0);
    expect(Array.from(taps.weights)).toEqual(Array.from(w.subarray(3)));
    const end = clippedTaps(w, 9, 10);
    expect(end.start).toBe(5);
    expect(Array.from(end.weights)).toEqual(Array.from(w.subarray(0, 5)));
  });
});

describe('reflectIndex', () => {
  it('extends d c b a | a b c d | d c b a, repeating', () => {
    const mapped = [];
    for (let p = -10; p <= 13; p++) mapped.push(reflectIndex(p, 4));
    // p = -10 … -1, then 0 … 3 (the image), then 4 … 13
    expect(mapped).toEqual([1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2]);
    expect(reflectIndex(-7, 1)).toBe(0);
  });
});

describe('reflectedTaps', () => {
  /** What scipy.ndimage.correlate1d(mode='reflect') writes for a unit delta at `centre`, by explicit padding. */
  function filterDelta(kernel: Float64Array, centre: number, n: number): Float64Array {
    const r = (kernel.length - 1) / 2;
    let padded = Array.from({ length: n }, (_, i) => (i === centre ? 1 : 0));
    while (padded.length < n + 2 * r + 2 * n) padded = [...padded.slice().reverse(), ...padded, ...padded.slice().reverse()];
    const offset = (padded.length - n) / 2;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let t = -r; t <= r; t++) out[i] += kernel[t + r] * padded[offset + i + t];
    return out;
  }

  it.each([
    [24, 0],
    [24, 5],
    [24, 23],
    [36, 31],
    [7, 3],
  ])('equals the reflect-mode filter of a delta (n = %i, centre %i, r = 60 > n)', (n, centre) => {
    const kernel = gaussianKernel(15, 60);
    const taps = reflectedTaps(kernel, centre, n);
    const full = new Float64Array(n);
    full.set(taps.weights, taps.start);
    const expected = filterDelta(kernel, centre, n);
    for (let i = 0; i < n; i++) expect(Math.abs(full[i] - expected[i])).toBeLessThan(1e-16);
    expect(taps.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });
});

describe('subpixelTaps', () => {
  it('centres the Gaussian on the sub-pixel position (pixel i has centre i + 0.5)', () => {
    const taps = subpixelTaps(20.5, 3, 4, 100);
    expect(taps.start).toBe(8);
    expect(taps.weights.length).toBe(25);
    let mass = 0;
    let moment = 0;
    taps.weights.forEach((w, i) => {
      mass += w;
      moment += w * (taps.start + i + 0.5);
    });
    expect(mass).toBeCloseTo(1, 15);
    expect(moment).toBeCloseTo(20.5, 12);
    expect(taps.weights[12] / taps.weights[11]).toBeCloseTo(Math.exp(1 / 18), 14);

    const shifted = subpixelTaps(20.25, 3, 4, 100);
    // Centre pixel 20 (centre 20.5) is 0.25 away, pixel 19 (19.5) 0.75 away.
    expect(shifted.weights[12] / shifted.weights[11]).toBeCloseTo(Math.exp((0.75 ** 2 - 0.25 ** 2) / 18), 14);
  });

  it('renormalises over the in-image window', () => {
    const taps = subpixelTaps(0.2, 10, 4, 30);
    expect(taps.start).toBe(0);
    expect(taps.weights.length).toBe(30);
    expect(taps.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
  });

  it('puts everything in the head’s pixel when σ = 0, and never produces NaN for a tiny σ', () => {
    expect(subpixelTaps(7.9, 0, 4, 10)).toEqual({ start: 7, weights: new Float64Array([1]) });
    const tiny = subpixelTaps(7.9, 1e-3, 2000, 10);
    expect(tiny.weights.length).toBe(5);
    expect(Array.from(tiny.weights)).toEqual([0, 0, 1, 0, 0]);
  });
});
