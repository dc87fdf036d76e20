import { describe, expect, it } from 'vitest';
import { densityCases, maxAbs, maxAbsDiff, readMap, total } from '../test/density-fixtures.ts';
import { DensityError } from './errors.js';
import { resizeCubicTarget } from './resize-cubic-target.js';
import type { DensityMap } from './types.js';

const withTargets = densityCases()
  .filter((c) => c.expected?.target8 !== undefined)
  .map((c) => [c.name, c] as const);

describe('resizeCubicTarget', () => {
  it.each(withTargets)('%s: matches the reference 1/8 target', (_name, c) => {
    const target = resizeCubicTarget(readMap(c.expected!.npy));
    const expected = readMap(c.expected!.target8!.npy);
    expect([target.height, target.width]).toEqual(c.expected!.target8!.shape);
    expect(target.data).toBeInstanceOf(expected.data.constructor);
    expect(maxAbsDiff(target.data, expected.data)).toBeLessThanOrEqual(1e-5 * maxAbs(expected.data));
    expect(total(target.data)).toBeCloseTo(c.expected!.target8!.sum, 4);
  });

  it('is bit-identical to every reference target, float32 and float64', () => {
    for (const [name, c] of withTargets) {
      expect(Array.from(resizeCubicTarget(readMap(c.expected!.npy)).data), name).toEqual(Array.from(readMap(c.expected!.target8!.npy).data));
    }
  });

  it('does not keep the count: adaptive_cluster goes from 127.9 to 192.0', () => {
    const c = withTargets.find(([name]) => name === 'adaptive_cluster')![1];
    const density = readMap(c.expected!.npy);
    expect(total(density.data)).toBeCloseTo(127.936, 3);
    expect(total(resizeCubicTarget(density).data)).toBeCloseTo(192.028, 3);
  });

  it('uses taps 8i+2 … 8i+5 with weights [-0.09375, 0.59375, 0.59375, -0.09375] at exactly 8×, times 64', () => {
    const map: DensityMap<Float64Array> = { height: 32, width: 32, data: new Float64Array(32 * 32) };
    map.data[11 * 32 + 20] = 1; // row 8·1+3, column 8·2+4
    map.data[26 * 32 + 2] = 1; // row 8·3+2, column 8·0+2
    const out = resizeCubicTarget(map);
    expect([out.height, out.width]).toEqual([4, 4]);
    expect(out.data[1 * 4 + 2]).toBe(0.59375 * 0.59375 * 64);
    expect(out.data[3 * 4 + 0]).toBe(-0.09375 * -0.09375 * 64);
    expect(out.data.filter((v) => v !== 0).length).toBe(2);
  });

  it('clamps taps at the edges (factor 2: source -1 reads source 0)', () => {
    const row = [1, 2, 3, 4];
    const out = resizeCubicTarget({ height: 2, width: 4, data: new Float64Array([...row, ...row]) }, 2);
    // Column 0: taps -1, 0, 1, 2 → 1, 1, 2, 3; column 1: taps 1 … 4 → 2, 3, 4, 4; rows average, × 4.
    expect(Array.from(out.data)).toEqual([(-0.09375 * 1 + 0.59375 * 1 + 0.59375 * 2 - 0.09375 * 3) * 4, (-0.09375 * 2 + 0.59375 * 3 + 0.59375 * 4 - 0.09375 * 4) * 4]);
    expect(Array.from(out.data)).toEqual([5.625, 14.375]);
  });

  it('rejects a map smaller than the factor and a bad factor', () => {
    const small = { height: 7, width: 64, data: new Float32Array(7 * 64) };
    expect(() => resizeCubicTarget(small)).toThrow(DensityError);
    expect(() => resizeCubicTarget(small)).toThrow('Map of 7×64 is smaller than the factor 8');
    expect(() => resizeCubicTarget(small, 0)).toThrow('Invalid factor: expected an integer ≥ 1, received 0.');
    expect(() => resizeCubicTarget({ height: 8, width: 8, data: new Float32Array(63) })).toThrow('data holds 63 values, expected height·width = 8·8 = 64');
  });
});
