import { describe, expect, test } from 'vitest';
import { bilinearAxis } from './bilinear-axis.js';

const plain = (axis: ReturnType<typeof bilinearAxis>) => ({ lower: Array.from(axis.lower), upper: Array.from(axis.upper), weight: Array.from(axis.weight) });

describe('bilinearAxis', () => {
  test('2 → 4 with centres aligned: source positions −¼ (clamped), ¼, ¾, 1¼ (clamped)', () => {
    expect(plain(bilinearAxis(2, 4))).toEqual({ lower: [0, 0, 0, 1], upper: [1, 1, 1, 1], weight: [0, 0.25, 0.75, 0] });
  });

  test('same size is the identity', () => {
    expect(plain(bilinearAxis(3, 3))).toEqual({ lower: [0, 1, 2], upper: [1, 2, 2], weight: [0, 0, 0] });
  });

  test('one source cell to 8 pixels: every pixel reads that cell', () => {
    expect(plain(bilinearAxis(1, 8))).toEqual({ lower: Array(8).fill(0), upper: Array(8).fill(0), weight: Array(8).fill(0) });
  });

  test("×8 (a density cell per 8 pixels): the two pixels around cell 1's centre read 1/16 of a cell either side of it", () => {
    const axis = bilinearAxis(4, 32);
    // Pixel 12 has centre 12.5 → source 12.5/8 − 0.5 = 1.0625: between cells 1 and 2. Pixel 11 → 0.9375.
    expect([axis.lower[12], axis.upper[12], axis.weight[12]]).toEqual([1, 2, 0.0625]);
    expect([axis.lower[11], axis.upper[11], axis.weight[11]]).toEqual([0, 1, 0.9375]);
  });
});
