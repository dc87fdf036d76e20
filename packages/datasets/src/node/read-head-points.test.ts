import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture } from '@crowd/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findSamples } from './find-samples.js';
import { readHeadPoints } from './read-head-points.js';
import type { Sample } from './sample.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures');
const expected = JSON.parse(await readFile(fixture('shanghaitech-mini-expected', 'expected.json'), 'utf8')) as {
  images: Array<{ image: string; number_in_mat: number }>;
};

/** The points make_fixtures.py writes: `points(n, offset)` inside a 32×24 image. */
function madePoints(count: number, offset: number): number[] {
  return Array.from({ length: count }, (_, i) => [(i * 3.25 + 1.5 + offset) % 32, (i * 2.5 + 0.75 + offset) % 24]).flat();
}

async function sampleOf(root: string, image: string): Promise<Sample> {
  const sample = (await findSamples(root)).find((s) => s.image === join(root, image));
  if (sample === undefined) throw new Error(`no sample for ${image}`);
  return sample;
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'crowd-heads-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('ShanghaiTech', () => {
  test.each(expected.images.map((e) => [e.image, e.number_in_mat] as const))('%s has %i heads', async (image, count) => {
    const points = await readHeadPoints(await sampleOf(fixture('shanghaitech-mini'), image));
    expect(points.length).toBe(2 * count);
    expect(points.every(Number.isFinite)).toBe(true);
  });

  test('the annotated edge cases are kept as written (the density step decides what to drop)', async () => {
    // part_A/test_data/IMG_2 (400×300) ends with x ≥ W, y ≥ H, and x in (-1, 0).
    const points = await readHeadPoints(await sampleOf(fixture('shanghaitech-mini'), 'part_A/test_data/images/IMG_2.jpg'));
    const last = Array.from(points.subarray(points.length - 6));
    expect(last[0]).toBeGreaterThanOrEqual(400);
    expect(last[3]).toBeGreaterThanOrEqual(300);
    expect(last[4]).toBeGreaterThan(-1);
    expect(last[4]).toBeLessThan(0);
  });
});

describe('other datasets', () => {
  test('UCF-QNRF and UCF_CC_50 _ann.mat (zlib-compressed and plain, and empty)', async () => {
    const qnrf = join(fixtures, 'ucf-qnrf');
    expect(Array.from(await readHeadPoints(await sampleOf(qnrf, 'Train/img_0001.jpg')))).toEqual(madePoints(5, 1));
    expect(Array.from(await readHeadPoints(await sampleOf(qnrf, 'Train/img_0010.jpg')))).toEqual(madePoints(3, 10));
    expect(await readHeadPoints(await sampleOf(qnrf, 'Train/img_0002.jpg'))).toEqual(new Float64Array(0));
    const cc50 = join(fixtures, 'ucf-cc-50');
    expect(Array.from(await readHeadPoints(await sampleOf(cc50, '10.jpg')))).toEqual(madePoints(7, 10));
  });

  test('JHU-Crowd++ txt, including an empty file', async () => {
    const root = join(fixtures, 'jhu-crowd');
    expect(Array.from(await readHeadPoints(await sampleOf(root, 'train/images/0001.jpg')))).toEqual([2, 1, 5, 4, 9, 6, 12, 9]);
    expect(await readHeadPoints(await sampleOf(root, 'train/images/0002.jpg'))).toEqual(new Float64Array(0));
  });

  test('NWPU-Crowd json, including an image with no people', async () => {
    const root = join(fixtures, 'nwpu-crowd');
    expect(Array.from(await readHeadPoints(await sampleOf(root, 'images/0001.jpg')))).toEqual(madePoints(3, 1));
    expect(await readHeadPoints(await sampleOf(root, 'images/0002.jpg'))).toEqual(new Float64Array(0));
  });
});

describe('errors', () => {
  test('a missing annotation is ANNOTATION_MISSING naming the expected path and the image', async () => {
    const sample = await sampleOf(join(fixtures, 'nwpu-crowd'), 'images/0003.jpg');
    await expect(readHeadPoints(sample)).rejects.toMatchObject({
      name: 'DatasetError',
      code: 'ANNOTATION_MISSING',
      file: sample.annotation,
      message: `${sample.annotation}: annotation file not found for image ${sample.image}`,
    });
  });

  test('a sample with an unknown dataset is rejected, not read', async () => {
    const sample = { ...(await sampleOf(join(fixtures, 'nwpu-crowd'), 'images/0001.jpg')), dataset: 'mall' } as unknown as Sample;
    await expect(readHeadPoints(sample)).rejects.toMatchObject({ code: 'DATASET_LAYOUT', file: sample.annotation });
  });

  test('a malformed annotation names its file', async () => {
    const root = join(tmp, 'jhu', 'train');
    await mkdir(join(root, 'images'), { recursive: true });
    await mkdir(join(root, 'gt'));
    await writeFile(join(root, 'images', '0001.jpg'), '');
    await writeFile(join(root, 'gt', '0001.txt'), '1 2 3\n');
    const [sample] = await findSamples(root);
    await expect(readHeadPoints(sample)).rejects.toMatchObject({ code: 'ANNOTATION_FORMAT', file: sample.annotation });
  });

  test('a corrupt .mat is a MAT error naming its file', async () => {
    const root = join(tmp, 'ucf');
    await mkdir(root);
    await writeFile(join(root, '1.jpg'), '');
    await writeFile(join(root, '1_ann.mat'), 'MATLAB 5.0 MAT-file, but cut short');
    const [sample] = await findSamples(root);
    await expect(readHeadPoints(sample)).rejects.toMatchObject({ name: 'MatFormatError', file: sample.annotation });
  });
});
