import { describe, expect, test } from 'vitest';
import { maxSideSize } from './max-side.ts';

describe('maxSideSize', () => {
  test('a larger photo shrinks to exactly maxSide on its longest side, the other side rounded', () => {
    expect(maxSideSize(4000, 3000, 1000)).toEqual({ width: 1000, height: 750, scale: 0.25 });
    expect(maxSideSize(1080, 1920, 1000)).toEqual({ width: 563, height: 1000, scale: 1000 / 1920 }); // 562.5 rounds up
    expect(maxSideSize(3001, 7, 1000)).toEqual({ width: 1000, height: 2, scale: 1000 / 3001 });
    expect(maxSideSize(100000, 1, 1000)).toEqual({ width: 1000, height: 1, scale: 0.01 });
  });

  test('a photo no larger than maxSide, or no maxSide (undefined or 0), is left as it is', () => {
    expect(maxSideSize(1000, 800, 1000)).toEqual({ width: 1000, height: 800, scale: 1 });
    expect(maxSideSize(640, 480, 1000)).toEqual({ width: 640, height: 480, scale: 1 });
    expect(maxSideSize(4000, 3000, undefined)).toEqual({ width: 4000, height: 3000, scale: 1 });
    expect(maxSideSize(4000, 3000, 0)).toEqual({ width: 4000, height: 3000, scale: 1 });
  });

  test('maxSide must be a positive integer', () => {
    expect(() => maxSideSize(10, 10, -5)).toThrow('maxSide must be a positive integer number of pixels (or 0: no resize), got -5');
    expect(() => maxSideSize(10, 10, 2.5)).toThrow('got 2.5');
  });
});
