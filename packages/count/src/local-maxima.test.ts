import { describe, expect, test } from 'vitest';
import { localMaxima, PEAK_DEFAULTS, peaksToImagePoints } from './local-maxima.ts';

function grid(height: number, width: number, values: Array<[number, number, number]>) {
  const data = new Float32Array(height * width);
  for (const [r, c, v] of values) data[r * width + c] = v;
  return { height, width, data };
}

describe('localMaxima', () => {
  // Known maxima at (2,3) 1.0, (2,5) 0.75, (7,8) 0.5; (8,9) 0.25 touches (7,8); (9,1) 0.0625 is under 10% of the peak.
  const map = grid(10, 12, [
    [2, 3, 1],
    [2, 5, 0.75],
    [7, 8, 0.5],
    [8, 9, 0.25],
    [9, 1, 0.0625],
    [2, 4, 0.5],
  ]);

  test('3×3 maxima above 10% of the peak, strongest first', () => {
    expect(PEAK_DEFAULTS).toEqual({ radius: 1, relativeThreshold: 0.1, minDistance: 2 });
    expect(localMaxima(map)).toEqual([
      { row: 2, col: 3, value: 1 },
      { row: 2, col: 5, value: 0.75 },
      { row: 7, col: 8, value: 0.5 },
    ]);
  });

  test('a lower threshold admits the weak peak; a 5×5 neighbourhood suppresses (2,5) beside (2,3)', () => {
    expect(localMaxima(map, { relativeThreshold: 0.05 }).map((p) => [p.row, p.col])).toEqual([
      [2, 3],
      [2, 5],
      [7, 8],
      [9, 1],
    ]);
    expect(localMaxima(map, { radius: 2 }).map((p) => [p.row, p.col])).toEqual([
      [2, 3],
      [7, 8],
    ]);
  });

  test('peaks closer than minDistance merge into the stronger one', () => {
    expect(localMaxima(map, { minDistance: 2.01 }).map((p) => [p.row, p.col])).toEqual([
      [2, 3],
      [7, 8],
    ]);
  });

  test('a plateau gives one peak, its first cell in raster order', () => {
    expect(
      localMaxima(
        grid(4, 4, [
          [1, 1, 0.5],
          [1, 2, 0.5],
          [2, 1, 0.5],
        ])
      )
    ).toEqual([{ row: 1, col: 1, value: 0.5 }]);
  });

  test('an all-zero or all-negative map (an untrained model) has no peaks', () => {
    expect(localMaxima(grid(3, 3, []))).toEqual([]);
    expect(localMaxima({ height: 2, width: 2, data: Float32Array.of(-1, -2, -3, -0.5) })).toEqual([]);
  });

  test('bad options are RangeErrors', () => {
    expect(() => localMaxima(map, { radius: 0 })).toThrow('radius must be an integer ≥ 1, got 0');
    expect(() => localMaxima(map, { relativeThreshold: 2 })).toThrow('relativeThreshold must be in [0, 1], got 2');
  });
});

describe('peaksToImagePoints', () => {
  test('cell centres in image pixels: (c + ½)·W/w, (r + ½)·H/h', () => {
    const peaks = [
      { row: 0, col: 0, value: 1 },
      { row: 29, col: 39, value: 1 },
    ];
    expect(Array.from(peaksToImagePoints(peaks, { height: 30, width: 40 }, { height: 240, width: 320 }))).toEqual([4, 4, 316, 236]);
    // 347×261 has a 43×32 map: cells are 347/43 by 261/32 pixels.
    expect(Array.from(peaksToImagePoints([{ row: 1, col: 2, value: 1 }], { height: 32, width: 43 }, { height: 261, width: 347 }))).toEqual([
      (2.5 * 347) / 43,
      (1.5 * 261) / 32,
    ]);
  });
});
