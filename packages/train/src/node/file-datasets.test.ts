import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { findSamples } from '@crowd/datasets/node';
import { fixture } from '@crowd/test-utils';
import { describe, expect, test } from 'vitest';
import { copyMiniShanghaiTech } from '../../test/mini-dataset.js';
import { TrainError } from '../errors.js';
import { fileTrainingSet, fileValidationSet } from './file-datasets.js';

describe('fileTrainingSet', () => {
  test('reads an image with its density map, and keeps recent ones decoded', async () => {
    const samples = await findSamples(fixture('shanghaitech-mini', 'part_A', 'train_data'));
    const set = fileTrainingSet(samples);
    await set.check();
    const third = await set.load(2);
    expect(third.name).toBe(samples[2].image);
    expect([third.image.width, third.image.height, third.density.width, third.density.height]).toEqual([347, 261, 347, 261]);
    expect(third.image.data.length).toBe(347 * 261 * 3);
    expect(Array.from(third.density.data).reduce((a, b) => a + b, 0)).toBeCloseTo(226.574, 2);
    expect(await set.load(2)).toBe(third);
  });

  test('maxPixels refuses an image (and its density map) over the budget before decoding it', async () => {
    const samples = await findSamples(fixture('shanghaitech-mini', 'part_A', 'train_data'));
    // IMG_3 is 347×261 = 90567 pixels.
    await expect(fileTrainingSet(samples, { maxPixels: 90_566 }).load(2)).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED', option: 'maxPixels', needed: 90_567 });
    expect((await fileTrainingSet(samples, { maxPixels: 90_567 }).load(2)).image.width).toBe(347);
    await expect(fileValidationSet(samples, { maxPixels: 90_566 }).load(2, 'annotation')).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
  });

  test('without prepared densities: a DENSITY_MISSING error that says to run crowd prepare', async () => {
    const root = copyMiniShanghaiTech();
    const samples = await findSamples(root);
    const train = samples.filter((s) => s.split === 'train');
    await expect(fileTrainingSet(train, { prepareRoot: root }).check()).rejects.toThrow(
      new TrainError('DENSITY_MISSING', `7 of 7 training images have no density map (expected ${train[0].density} and others); run \`crowd prepare ${root}\` first`, {
        file: train[0].density,
      }),
    );
    // Without a hint it names the folder holding all of them.
    await expect(fileTrainingSet(train.slice(0, 2)).check()).rejects.toThrow(`run \`crowd prepare ${dirname(train[0].image)}\` first`);
  });
});

describe('fileValidationSet', () => {
  test('true counts: every annotated head (as crowd eval and papers count), or the sum of the reference target', async () => {
    const samples = await findSamples(fixture('shanghaitech-mini', 'part_A', 'test_data'));
    const set = fileValidationSet(samples);
    await set.check('annotation');
    const counts = [];
    for (let i = 0; i < set.size; i++) counts.push((await set.load(i, 'annotation')).count);
    // The fixture's `number` fields; IMG_2's 210 include 3 points at or past the image border.
    expect(counts).toEqual([120, 210, 45]);
    const reference = [];
    for (let i = 0; i < set.size; i++) reference.push((await set.load(i, 'reference-target')).count);
    // The fixture's target8 sums (tools/fixtures README, section 1).
    expect(reference.map((c) => c.toFixed(3))).toEqual(['111.528', '187.238', '40.452']);
  });

  test('a missing annotation or (for reference validation) density is reported before training', async () => {
    const root = copyMiniShanghaiTech();
    const samples = (await findSamples(root)).filter((s) => s.split === 'test');
    const set = fileValidationSet(samples, { prepareRoot: root });
    await expect(set.check('reference-target')).rejects.toMatchObject({ code: 'DENSITY_MISSING', message: expect.stringContaining(`run \`crowd prepare ${root}\` first`) });
    rmSync(samples[1].annotation);
    await expect(set.check('annotation')).rejects.toThrow(
      new TrainError('ANNOTATION_MISSING', `1 of 6 validation images have no head annotation (expected ${samples[1].annotation})`, { file: samples[1].annotation }),
    );
  });
});
