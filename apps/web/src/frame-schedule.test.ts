import { expect, test } from 'vitest';
import { nextFrameDelay, parseInterval } from './frame-schedule.ts';

test('nextFrameDelay subtracts the frame time but always leaves a gap', () => {
  expect(nextFrameDelay(1000, 300)).toBe(700);
  expect(nextFrameDelay(1000, 2500)).toBe(50);
  expect(nextFrameDelay(200, 190, 20)).toBe(20);
});

test('parseInterval clamps to 100–60000 ms', () => {
  expect(parseInterval('500')).toBe(500);
  expect(parseInterval('5')).toBe(100);
  expect(parseInterval('1e9')).toBe(60_000);
  expect(parseInterval('abc')).toBe(1000);
  expect(parseInterval('')).toBe(1000);
});
