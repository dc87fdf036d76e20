import { expect, test } from 'vitest';
import { displayMax } from './display-max.js';

test('displayMax: the 99% quantile of the positive cells, ignoring zeros and negatives', () => {
  // 200 positive cells 1…200 plus zeros and negatives: rank ⌊0.99 × 199⌋ = 197 → 198.
  const data = Float32Array.from({ length: 260 }, (_, i) => (i < 200 ? i + 1 : i < 230 ? 0 : -5));
  expect(displayMax(data)).toBe(198);
  expect(displayMax(data, 1)).toBe(200);
  expect(displayMax(Float32Array.of(0.25))).toBe(0.25);
  expect(displayMax(Float32Array.of(0, -1))).toBe(0);
});
