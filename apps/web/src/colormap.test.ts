import { expect, test } from 'vitest';
import { turbo, turboTable } from './colormap.ts';

const luma = ([r, g, b]: number[]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;

test('turbo runs dark → blue → green → dark red and clamps outside [0, 1]', () => {
  const [rLow, gLow, bLow] = turbo(0.1);
  expect(bLow).toBeGreaterThan(Math.max(rLow, gLow));
  const [r5, g5, b5] = turbo(0.5);
  expect(g5).toBeGreaterThan(r5);
  expect(g5).toBeGreaterThan(b5);
  const [r1, g1, b1] = turbo(1);
  expect(r1).toBeGreaterThan(g1);
  expect(r1).toBeGreaterThan(b1);
  expect(turbo(-3)).toEqual(turbo(0));
  expect(turbo(7)).toEqual(turbo(1));
  expect(turbo(Number.NaN)).toEqual(turbo(0));
  // Perceptual shape: dark at both ends, bright in the middle.
  expect(luma(turbo(0.5))).toBeGreaterThan(2 * luma(turbo(0)));
  expect(luma(turbo(0.5))).toBeGreaterThan(2 * luma(turbo(1)));
});

test('turboTable holds 256 RGB entries matching turbo()', () => {
  const table = turboTable();
  expect(table.length).toBe(768);
  expect([...table.subarray(0, 3)]).toEqual(turbo(0));
  expect([...table.subarray(765, 768)]).toEqual(turbo(1));
  expect([...table.subarray(128 * 3, 129 * 3)]).toEqual(turbo(128 / 255));
});
