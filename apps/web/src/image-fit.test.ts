import { expect, test } from 'vitest';
import { fitWithin, tooSmall } from './image-fit.ts';

test('fitWithin keeps small images and scales large ones to the max side', () => {
  expect(fitWithin(96, 64, 1024)).toEqual({ width: 96, height: 64, downscaled: false });
  expect(fitWithin(1024, 700, 1024)).toEqual({ width: 1024, height: 700, downscaled: false });
  expect(fitWithin(4032, 3024, 1024)).toEqual({ width: 1024, height: 768, downscaled: true });
  expect(fitWithin(3000, 4000, 1024)).toEqual({ width: 768, height: 1024, downscaled: true });
  expect(fitWithin(5000, 3, 1024)).toEqual({ width: 1024, height: 1, downscaled: true });
  expect(() => fitWithin(0, 10, 1024)).toThrow(/no pixels/);
});

test('tooSmall explains images under 8 px a side', () => {
  expect(tooSmall(8, 8)).toBeUndefined();
  expect(tooSmall(1024, 7)).toMatch(/1024×7 px.*at least 8×8/);
});
