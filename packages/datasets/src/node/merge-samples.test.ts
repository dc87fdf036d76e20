import { expect, test } from 'vitest';
import { mergeSamples } from './merge-samples.js';
import type { Sample } from './sample.js';

const sample = (image: string, part: 'A' | 'B'): Sample => ({ image, annotation: `${image}.mat`, density: `${image}.h5`, dataset: 'shanghaitech', part });

test('concatenates, keeps the first sample per image and sorts naturally', () => {
  const a = [sample('/d/part_A/IMG_10.jpg', 'A'), sample('/d/part_A/IMG_2.jpg', 'A')];
  const b = [sample('/d/part_B/IMG_1.jpg', 'B'), sample('/d/part_A/IMG_2.jpg', 'B')];
  expect(mergeSamples(a, b)).toEqual([a[1], a[0], b[0]]);
  expect(mergeSamples()).toEqual([]);
});
