import { readDensityH5 } from '@crowd/datasets/node';
import { fixture, readNpy } from '@crowd/test-utils';
import { expect, test } from 'vitest';
import { referenceTargetCount, trainingTarget } from './training-target.js';

const sum = (data: ArrayLike<number>) => Array.from(data).reduce((a, b) => a + b, 0);

test("'bicubic' is the reference's target8 to the bit; 'sum' keeps the map's count", async () => {
  // part_A/train_data/IMG_3: 347×261, not a multiple of 8 (cv2's step is then 347/43, not 8).
  const density = await readDensityH5(fixture('shanghaitech-mini', 'part_A', 'train_data', 'ground-truth', 'IMG_3.h5'));
  const reference = readNpy(fixture('shanghaitech-mini-expected', 'part_A', 'train_data', 'IMG_3.target8.npy'));
  const bicubic = trainingTarget(density, 'bicubic');
  expect([bicubic.height, bicubic.width]).toEqual(reference.shape);
  expect(bicubic.data).toEqual(reference.data);
  expect(referenceTargetCount(density)).toBeCloseTo(214.007, 3);

  const pooled = trainingTarget(density, 'sum');
  expect([pooled.height, pooled.width]).toEqual([32, 43]);
  expect(sum(pooled.data)).toBeCloseTo(sum(density.data), 3);
  expect(sum(density.data)).toBeCloseTo(226.574, 3);
});
