import { describe, expect, test } from 'vitest';
import { CountMetrics, countMetrics, FIELD_LABELS } from './count-metrics.js';
import { MetricsError } from './errors.js';

describe('CountMetrics', () => {
  test('three images worked by hand', () => {
    // errors |10−12| = 2, |22−20| = 2, |3−0| = 3
    const m = new CountMetrics();
    m.add(10, 12);
    m.add(22, 20);
    m.add(3, 0);
    const r = m.result();
    expect(r.n).toBe(3);
    expect(r.mae).toBeCloseTo(7 / 3, 15); // (2 + 2 + 3) / 3
    expect(r.rmse).toBeCloseTo(Math.sqrt(17 / 3), 15); // √((4 + 4 + 9) / 3)
    expect(r.nae).toBeCloseTo(2 / 15, 15); // (2/12 + 2/20) / 2, the y = 0 image left out
    expect(r.naeExcluded).toBe(1);
  });

  test('reports label the RMSE "MSE", as the field does', () => {
    expect(FIELD_LABELS).toEqual({ mae: 'MAE', rmse: 'MSE', nae: 'NAE' });
  });

  test('NAE is null when no image has heads', () => {
    const r = countMetrics([1, 2], [0, 0]);
    expect(r).toEqual({ n: 2, mae: 1.5, rmse: Math.sqrt(2.5), nae: null, naeExcluded: 2 });
  });

  test('a negative predicted count is an ordinary error', () => {
    expect(countMetrics([-2], [2])).toEqual({ n: 1, mae: 4, rmse: 4, nae: 2, naeExcluded: 0 });
  });

  test('streaming and batch agree', () => {
    const pred = [3.5, 7, 0.25, 12];
    const truth = [4, 5, 0, 10];
    const m = new CountMetrics();
    pred.forEach((p, i) => m.add(p, truth[i]));
    expect(m.result()).toEqual(countMetrics(pred, truth));
  });

  test('bad input throws MetricsError with a code and the values', () => {
    const m = new CountMetrics();
    expect(() => m.result()).toThrow(expect.objectContaining({ code: 'EMPTY' }));
    expect(() => m.add(Number.NaN, 3)).toThrow(expect.objectContaining({ code: 'NOT_FINITE', message: expect.stringContaining('NaN') }));
    expect(() => m.add(1, Infinity)).toThrow(expect.objectContaining({ code: 'NOT_FINITE' }));
    expect(() => m.add(1, -1)).toThrow(expect.objectContaining({ code: 'NEGATIVE_COUNT', message: expect.stringContaining('-1') }));
    expect(() => countMetrics([1, 2, 3], [1, 2])).toThrow(MetricsError);
    expect(() => countMetrics([1, 2, 3], [1, 2])).toThrow(/3 counts but truth has 2/);
    expect(() => countMetrics([], [])).toThrow(expect.objectContaining({ code: 'EMPTY' }));
  });
});
