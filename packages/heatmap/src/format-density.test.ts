import { expect, test } from 'vitest';
import { formatDensity } from './format-density.js';

test('formatDensity: three significant digits', () => {
  expect(formatDensity(0)).toBe('0');
  expect(formatDensity(0.012345)).toBe('0.0123');
  expect(formatDensity(12.5)).toBe('12.5');
  expect(formatDensity(0.31494)).toBe('0.315');
});
