import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { densityMap } from '@crowd/density';
import { findSamples, readDensityH5, readHeadPoints } from '@crowd/datasets/node';
import { fixture } from '@crowd/test-utils';
import { describe, expect, test } from 'vitest';
import { copyMiniShanghaiTech } from '../../test/cli.ts';
import { groundTruthDensity } from './ground-truth-density.ts';

describe('groundTruthDensity', () => {
  test('the prepared .h5 when there is one', async () => {
    const [sample] = await findSamples(fixture('shanghaitech-mini', 'part_B', 'test_data'));
    const points = await readHeadPoints(sample);
    const truth = await groundTruthDensity(sample, points, { height: 240, width: 320 }, 'preserving');
    expect(truth.source).toBe('h5');
    expect(truth.map).toEqual(await readDensityH5(sample.density));
  });

  test("without one: computed with the reference's per-part kernel, adaptive for Part A and σ = 15 for Part B, in the mode asked for", async () => {
    const root = copyMiniShanghaiTech();
    const [a] = await findSamples(join(root, 'part_A', 'test_data'));
    const [b] = await findSamples(join(root, 'part_B', 'test_data'));
    const size = { height: 240, width: 320 };
    const pointsA = await readHeadPoints(a);
    const pointsB = await readHeadPoints(b);
    const computedA = await groundTruthDensity(a, pointsA, size, 'preserving');
    expect(computedA.source).toBe('computed');
    expect(computedA.map).toEqual(densityMap(pointsA, size, { mode: 'preserving', kernel: 'adaptive' }));
    expect((await groundTruthDensity(b, pointsB, size, 'reference')).map).toEqual(densityMap(pointsB, size, { mode: 'reference', kernel: 'fixed', sigma: 15 }));
  });

  test('an .h5 of another size than its image is an error naming both', async () => {
    const root = copyMiniShanghaiTech();
    const [sample] = await findSamples(join(root, 'part_B', 'test_data'));
    copyFileSync(fixture('shanghaitech-mini', 'part_B', 'test_data', 'ground-truth', 'IMG_2.h5'), sample.density);
    await expect(groundTruthDensity(sample, new Float64Array(0), { height: 240, width: 320 }, 'preserving')).rejects.toThrow(
      `${sample.density}: the density is 400×300 but its image ${sample.image} is 320×240`
    );
  });
});
