import { expect, test } from 'vitest';
import { formatBytes, formatCount, formatDuration } from './format.ts';

test('formatCount shows two decimals, separators and the sign', () => {
  expect(formatCount(-37.161632569506764)).toBe('-37.16');
  expect(formatCount(1234.5)).toBe('1,234.50');
  expect(formatCount(0)).toBe('0.00');
  expect(formatCount(Number.NaN)).toBe('NaN');
});

test('formatDuration and formatBytes', () => {
  expect(formatDuration(812.4)).toBe('812 ms');
  expect(formatDuration(3414)).toBe('3.41 s');
  expect(formatBytes(512)).toBe('512 B');
  expect(formatBytes(65_053_956)).toBe('62.0 MB');
});
