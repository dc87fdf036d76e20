import { expect, test } from 'vitest';
import { colourTable } from '@crowd/heatmap';
import { densityRange, densityToRgba } from './heatmap.ts';

test('densityRange spans 0 (or a negative minimum) to the maximum', () => {
  expect(densityRange([0.5, 0.1, 2])).toEqual({ lo: 0, hi: 2 });
  expect(densityRange([-0.4, -0.1, 0.3])).toEqual({ lo: -0.4, hi: 0.3 });
  expect(densityRange([-3, -1])).toEqual({ lo: -3, hi: -1 });
  const flat = densityRange([0, 0]);
  expect(flat.lo).toBe(0);
  expect(flat.hi).toBeGreaterThan(0);
  expect(densityRange([])).toEqual({ lo: 0, hi: 1 });
});

test('densityToRgba maps lo and hi to the ends of turbo, alpha rising with density', () => {
  const table = colourTable('turbo');
  const turbo = (t: 0 | 1) => [...table.subarray(t * 765, t * 765 + 3)];
  const rgba = densityToRgba([0, 1, 0.5, 9], { lo: 0, hi: 1 }, { minAlpha: 0, maxAlpha: 1 });
  expect([...rgba.subarray(0, 4)]).toEqual([...turbo(0), 0]);
  expect([...rgba.subarray(4, 8)]).toEqual([...turbo(1), 255]);
  expect(rgba[11]).toBe(128);
  expect([...rgba.subarray(12, 16)]).toEqual([...turbo(1), 255]); // clamped
  const tinted = densityToRgba([0], { lo: 0, hi: 1 });
  expect(tinted[3]).toBe(Math.round(255 * 0.2));
});
