import { expect, test } from 'vitest';
import { naturalCompare } from './natural-compare.js';

test('orders embedded numbers by value', () => {
  const names = ['IMG_10.jpg', 'IMG_2.jpg', 'IMG_1.jpg', 'img_0003.jpg', 'IMG_100.jpg'];
  expect(names.sort(naturalCompare)).toEqual(['IMG_1.jpg', 'IMG_2.jpg', 'IMG_10.jpg', 'IMG_100.jpg', 'img_0003.jpg']);
});

test('is a total order: prefixes first, leading zeros by length, huge numbers exactly', () => {
  expect(naturalCompare('a', 'a1')).toBeLessThan(0);
  expect(naturalCompare('a01', 'a1')).toBeGreaterThan(0);
  expect(naturalCompare('a1', 'a1')).toBe(0);
  expect(naturalCompare('x9007199254740993', 'x9007199254740992')).toBeGreaterThan(0);
  expect(naturalCompare('/d/part_A/x', '/d/part_B/x')).toBeLessThan(0);
});
