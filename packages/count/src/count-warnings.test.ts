import { describe, expect, test } from 'vitest';
import { countWarnings, NEGATIVE_MASS_FRACTION } from './count-warnings.ts';

const map = (...values: number[]) => ({ height: 1, width: values.length, data: Float32Array.from(values) });

describe('countWarnings', () => {
  test('a non-negative density, or a little negative noise, is plausible', () => {
    expect(countWarnings(map(0, 0.5, 2, 0))).toEqual([]);
    // 0.3 people negative of 10 positive: under both the half-person floor and 10 %.
    expect(countWarnings(map(5, 5, -0.2, -0.1))).toEqual([]);
    // 0.9 of 10: above half a person but under 10 %.
    expect(NEGATIVE_MASS_FRACTION).toBe(0.1);
    expect(countWarnings(map(5, 5, -0.9))).toEqual([]);
  });

  test('a negative total is NEGATIVE_COUNT with the sum', () => {
    expect(countWarnings(map(1, -3.5))).toEqual([
      { code: 'NEGATIVE_COUNT', message: expect.stringContaining('the density sums to -2.50 people: the model is untrained or wrong for this image') },
    ]);
  });

  test('large negative mass under a positive total is NEGATIVE_DENSITY with its share', () => {
    const [warning] = countWarnings(map(10, -2, 0.5));
    expect(warning.code).toBe('NEGATIVE_DENSITY');
    expect(warning.message).toContain('2.0 people of negative mass (19 % of its positive mass)');
  });
});
