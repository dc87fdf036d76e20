import { describe, expect, test } from 'vitest';
import type { DensityMap } from './density-map.js';
import { GameMetrics, gameErrors } from './game.js';

const map = (height: number, width: number, values: number[]): DensityMap => ({ height, width, data: Float64Array.from(values) });

describe('gameErrors', () => {
  test('a 4×4 map and 3 heads worked by hand, L = 0, 1, 2', () => {
    const pred = map(4, 4, [
      0.5, 0.5, 0, 0,
      0, 0.5, 0, 0,
      0, 0, 0, 1,
      0, 0, 0.25, 0.25,
    ]);
    // (x 0.2, y 0.7) → pixel (0, 0); (2, 2) sits on both L = 1 boundaries → lower-right; (3.9, 1.5) → pixel (1, 3).
    const points = Float64Array.of(0.2, 0.7, 2, 2, 3.9, 1.5);
    // L0: |3 − 3| = 0.
    // L1: TL |1.5 − 1| + TR |0 − 1| + BL |0 − 0| + BR |1.5 − 1| = 2.
    // L2 (pixels): (0,0) |0.5 − 1| + (0,1) 0.5 + (1,1) 0.5 + (2,3) 1 + (3,2) 0.25 + (3,3) 0.25 + (2,2) |0 − 1| + (1,3) |0 − 1| = 5.
    expect(gameErrors(pred, points, { height: 4, width: 4 }, 2)).toEqual([0, 2, 5]);
  });

  test('all density in one quadrant', () => {
    // 8×8 image, count 2 spread evenly over the bottom-right 4×4 quadrant (1/8 per pixel), two heads there.
    const values = new Array<number>(64).fill(0);
    for (let r = 4; r < 8; r++) for (let c = 4; c < 8; c++) values[r * 8 + c] = 1 / 8;
    const pred = map(8, 8, values);
    const points = Float64Array.of(4.5, 4.5, 5.5, 5.5); // both in the quadrant's top-left 2×2 region
    // L0 |2 − 2|, L1 |2 − 2| in the quadrant, L2: the quadrant's four 2×2 regions hold 0.5 each: |0.5 − 2| + 3·0.5 = 3.
    expect(gameErrors(pred, points, { height: 8, width: 8 }, 2)).toEqual([0, 0, 3]);
    // The same mass with both heads in the opposite quadrant: L1 = |2 − 0| + |0 − 2|.
    expect(gameErrors(pred, Float64Array.of(1, 1, 2, 3), { height: 8, width: 8 }, 1)).toEqual([0, 4]);
  });

  test('GAME(0) is the absolute count error', () => {
    const pred = map(4, 6, Array.from({ length: 24 }, (_, i) => (i % 5) * 0.1));
    const sum = Array.from(pred.data).reduce((a, b) => a + b, 0);
    expect(gameErrors(pred, Float64Array.of(1, 1, 2, 2, 5, 3), { height: 4, width: 6 }, 0)).toEqual([Math.abs(sum - 3)]);
  });

  test('a lower-resolution map assigns each cell to the region of its centre', () => {
    // 2×2 map for an 8×8 image: cell centres at pixel 2 and 6 on each axis.
    const pred = map(2, 2, [1, 0, 0, 2]);
    const points = Float64Array.of(1, 1, 5, 5, 7, 7);
    // L1: each cell in its own quadrant: |1 − 1| + |2 − 2| = 0.
    // L2 (boundaries 0, 2, 4, 6): cell (0,0) → region (1,1), cell (1,1) → region (3,3);
    // heads → regions (0,0), (2,2), (3,3): |1 − 0| + |0 − 1| + |0 − 1| + |2 − 1| = 4.
    expect(gameErrors(pred, points, { height: 8, width: 8 }, 2)).toEqual([0, 0, 4]);
    // CSRNet-style 1/8 output of a 32×32 image equals the full map up to L = 2, where 8·2^L still divides 32.
    const coarse = map(4, 4, Array.from({ length: 16 }, (_, i) => i));
    const fine = map(32, 32, Array.from({ length: 1024 }, (_, i) => (Math.floor(i / 256) * 4 + Math.floor((i % 32) / 8)) / 64));
    const heads = Float64Array.of(3, 3, 30, 2, 17, 20);
    expect(gameErrors(coarse, heads, { height: 32, width: 32 }, 2)).toEqual(gameErrors(fine, heads, { height: 32, width: 32 }, 2));
  });

  test('sides not divisible by 2^L use ⌊i·H / 2^L⌋ boundaries; boundary points go lower-right', () => {
    // 5×7 image, L1: rows [0, 2) [2, 5), columns [0, 3) [3, 7).
    const values = new Array<number>(35).fill(0);
    values[1 * 7 + 2] = 1; // last pixel of the top-left region
    values[2 * 7 + 3] = 1; // first pixel of the bottom-right region
    const pred = map(5, 7, values);
    expect(gameErrors(pred, Float64Array.of(2.999, 1.999, 3, 2), { height: 5, width: 7 }, 1)).toEqual([0, 0]);
    expect(gameErrors(pred, Float64Array.of(3, 1.999, 2.999, 2), { height: 5, width: 7 }, 1)).toEqual([0, 4]);
  });

  test('points outside the image are clamped into the border regions', () => {
    const values = new Array<number>(16).fill(0);
    values[0] = 1; // top-left
    values[3] = 1; // top-right
    values[15] = 1; // bottom-right
    const points = Float64Array.of(-5, -5, 100, 0.5, 4, 4); // x = W, y = H counts as the last region
    expect(gameErrors(map(4, 4, values), points, { height: 4, width: 4 }, 2)).toEqual([0, 0, 0]);
  });

  test('bad input throws MetricsError naming the values', () => {
    const pred = map(4, 4, new Array<number>(16).fill(0));
    const image = { height: 4, width: 4 };
    const code = (c: string) => expect.objectContaining({ code: c });
    expect(() => gameErrors(pred, Float64Array.of(1, 2, 3), image, 1)).toThrow(code('BAD_SHAPE'));
    expect(() => gameErrors(pred, Float64Array.of(1, Number.NaN), image, 1)).toThrow(code('NOT_FINITE'));
    expect(() => gameErrors(pred, new Float64Array(0), image, 3)).toThrow(/8 regions but image is 4×4/);
    expect(() => gameErrors(pred, new Float64Array(0), image, 3)).toThrow(code('IMAGE_TOO_SMALL'));
    expect(() => gameErrors(pred, new Float64Array(0), image, -1)).toThrow(code('INVALID_OPTION'));
    expect(() => gameErrors(pred, new Float64Array(0), image, 1.5)).toThrow(code('INVALID_OPTION'));
    expect(() => gameErrors(map(4, 4, [1, 2]), new Float64Array(0), image, 1)).toThrow(/2 values but pred is 4×4/);
    expect(() => gameErrors(map(2, 2, [1, 2, Number.NaN, 0]), new Float64Array(0), image, 1)).toThrow(/pred.data\[2\] \(row 1, column 0\) is NaN/);
    expect(() => gameErrors(pred, new Float64Array(0), { height: 0, width: 4 }, 0)).toThrow(/image.height must be a positive integer, got 0/);
  });
});

describe('GameMetrics', () => {
  test('averages each level over images', () => {
    const game = new GameMetrics(1);
    const image = { height: 2, width: 2 };
    expect(game.add(map(2, 2, [1, 0, 0, 0]), Float64Array.of(1.5, 1.5), image)).toEqual([0, 2]);
    expect(game.add(map(2, 2, [0, 0, 0, 0]), Float64Array.of(0, 0, 1, 1), image)).toEqual([2, 2]);
    expect(game.result()).toEqual({ n: 2, game: [1, 2] });
  });

  test('checks maxLevel up front and needs an image before result()', () => {
    expect(() => new GameMetrics(-2)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => new GameMetrics().result()).toThrow(expect.objectContaining({ code: 'EMPTY' }));
  });
});
