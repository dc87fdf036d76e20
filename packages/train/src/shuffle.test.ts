import { expect, test } from 'vitest';
import { Prng } from './prng.js';
import { shuffled } from './shuffle.js';

test('shuffled is a seeded permutation and leaves its input alone', () => {
  const items = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  expect(shuffled(items, Prng.fromSeed(42))).toEqual([6, 7, 8, 3, 4, 9, 1, 0, 5, 2]);
  expect(shuffled(items, Prng.fromSeed(42))).toEqual([6, 7, 8, 3, 4, 9, 1, 0, 5, 2]);
  expect(items).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const other = shuffled(items, Prng.fromSeed(43));
  expect(other).not.toEqual([6, 7, 8, 3, 4, 9, 1, 0, 5, 2]);
  expect([...other].sort((a, b) => a - b)).toEqual(items);
});

test('every position is reachable: over many shuffles each item lands everywhere about equally often', () => {
  const rng = Prng.fromSeed(1);
  const where = Array.from({ length: 4 }, () => new Array(4).fill(0));
  for (let i = 0; i < 4000; i++) shuffled([0, 1, 2, 3], rng).forEach((item, position) => (where[item][position] += 1));
  for (const row of where) for (const n of row) expect(Math.abs(n - 1000)).toBeLessThan(110);
});
