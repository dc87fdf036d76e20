import { expect, test } from 'vitest';
import { cropPixels } from './crop-pixels.ts';

test('cropPixels: the rows and columns of a rectangle, HWC RGB; the whole image is returned as is', () => {
  // 3×2 image, pixel (x, y) = [10y + x, 100 + 10y + x, 200 + 10y + x].
  const data = Uint8Array.from({ length: 18 }, (_, i) => {
    const p = Math.floor(i / 3);
    return 100 * (i % 3) + 10 * Math.floor(p / 3) + (p % 3);
  });
  const image = { data, width: 3, height: 2 };
  expect(cropPixels(image, 1, 1, 2, 1)).toEqual({ data: Uint8Array.of(11, 111, 211, 12, 112, 212), width: 2, height: 1, channels: 3 });
  expect(cropPixels(image, 0, 0, 3, 2)).toBe(image);
  expect(() => cropPixels(image, 2, 0, 2, 1)).toThrow('crop 2×1 at (2, 0) leaves the 3×2 image');
});

test('cropPixels keeps RGBA (canvas frames) four bytes a pixel', () => {
  const image = { data: Uint8ClampedArray.from({ length: 16 }, (_, i) => i), width: 2, height: 2, channels: 4 as const };
  expect(cropPixels(image, 1, 0, 1, 2)).toEqual({ data: Uint8Array.of(4, 5, 6, 7, 12, 13, 14, 15), width: 1, height: 2, channels: 4 });
});
