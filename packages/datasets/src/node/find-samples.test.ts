import { copyFile, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture } from '@crowd/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findSamples } from './find-samples.js';
import { mergeSamples } from './merge-samples.js';
import type { Sample } from './sample.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures');
const shanghaiTech = fixture('shanghaitech-mini');

/** Samples with paths relative to `root`, '/'-separated, so expectations read like the layout. */
function relativeTo(root: string, samples: Sample[]) {
  const rel = (path: string) => relative(root, path).split(/[\\/]/).join('/');
  return samples.map((s) => ({ ...s, image: rel(s.image), annotation: rel(s.annotation), density: rel(s.density) }));
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'crowd-find-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('ShanghaiTech', () => {
  test('finds every image of the redistributed layout (ground-truth/), sorted', async () => {
    const samples = await findSamples(shanghaiTech);
    expect(samples.map((s) => relative(shanghaiTech, s.image).split(/[\\/]/).join('/'))).toEqual([
      'part_A/test_data/images/IMG_1.jpg',
      'part_A/test_data/images/IMG_2.jpg',
      'part_A/test_data/images/IMG_3.jpg',
      'part_A/train_data/images/IMG_1.jpg',
      'part_A/train_data/images/IMG_2.jpg',
      'part_A/train_data/images/IMG_3.jpg',
      'part_A/train_data/images/IMG_4.jpg',
      'part_B/test_data/images/IMG_1.jpg',
      'part_B/test_data/images/IMG_2.jpg',
      'part_B/test_data/images/IMG_3.jpg',
      'part_B/train_data/images/IMG_1.jpg',
      'part_B/train_data/images/IMG_2.jpg',
      'part_B/train_data/images/IMG_3.jpg',
    ]);
    expect(relativeTo(shanghaiTech, samples)[3]).toEqual({
      image: 'part_A/train_data/images/IMG_1.jpg',
      annotation: 'part_A/train_data/ground-truth/GT_IMG_1.mat',
      density: 'part_A/train_data/ground-truth/IMG_1.h5',
      dataset: 'shanghaitech',
      part: 'A',
      split: 'train',
    });
  });

  test('accepts a part folder, a split folder, the images folder, or a relative path', async () => {
    const partB = await findSamples(fixture('shanghaitech-mini', 'part_B'));
    expect(partB).toHaveLength(6);
    expect(new Set(partB.map((s) => s.part))).toEqual(new Set(['B']));
    const split = await findSamples(fixture('shanghaitech-mini', 'part_A', 'train_data'));
    expect(split.map((s) => s.split)).toEqual(['train', 'train', 'train', 'train']);
    expect(await findSamples(fixture('shanghaitech-mini', 'part_A', 'train_data', 'images'))).toEqual(split);
    expect(await findSamples(relative(process.cwd(), fixture('shanghaitech-mini', 'part_A', 'train_data')))).toEqual(split);
  });

  test('a list file gives the same samples as the folder it lists', async () => {
    const fromList = await findSamples(fixture('shanghaitech-mini', 'part_A_train.json'));
    expect(fromList).toEqual(await findSamples(fixture('shanghaitech-mini', 'part_A', 'train_data')));
  });

  test('a list with Windows separators, a repeated image and repeats spelled differently: one sample each, and a warning naming the repeats', async () => {
    const list = join(tmp, 'shanghaitech', 'part_A_train.json');
    await mkdir(dirname(list), { recursive: true });
    await cp(fixture('shanghaitech-mini', 'part_A'), join(tmp, 'shanghaitech', 'part_A'), { recursive: true });
    const entries = ['part_A\\train_data\\images\\IMG_1.jpg', 'part_A/train_data/images/IMG_2.jpg', 'part_A/train_data/images/IMG_1.jpg', 'C:\\data\\part_A\\train_data\\images\\IMG_2.jpg', 'part_A/./train_data/images/IMG_1.jpg'];
    await writeFile(list, JSON.stringify(entries));
    const warnings: string[] = [];
    const samples = await findSamples(list, { onWarning: (message) => warnings.push(message) });
    expect(relativeTo(join(tmp, 'shanghaitech'), samples).map((s) => s.image)).toEqual(['part_A/train_data/images/IMG_1.jpg', 'part_A/train_data/images/IMG_2.jpg']);
    const image = (n: number) => join(tmp, 'shanghaitech', 'part_A', 'train_data', 'images', `IMG_${n}.jpg`);
    expect(warnings).toEqual([
      `${list}: 3 duplicate entries skipped, each image is used once: entry 2 repeats entry 0 (${image(1)}); entry 3 repeats entry 1 (${image(2)}); entry 4 repeats entry 0 (${image(1)})`,
    ]);
  });

  test('without onWarning, duplicate list entries are a process warning', async () => {
    const list = join(tmp, 'twice.json');
    const image = fixture('shanghaitech-mini', 'part_A', 'train_data', 'images', 'IMG_1.jpg');
    await writeFile(list, JSON.stringify([image, image]));
    const emitted: unknown[] = [];
    const listener = (warning: Error) => emitted.push(warning);
    process.on('warning', listener);
    try {
      expect(await findSamples(list)).toHaveLength(1);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listener);
    }
    expect(emitted).toEqual([expect.objectContaining({ name: 'CrowdDatasetWarning', message: `${list}: 1 duplicate entry skipped, each image is used once: entry 1 repeats entry 0 (${image})` })]);
  });

  test('merging Part A and Part B gives the whole tree', async () => {
    const [a, b, all] = await Promise.all([
      findSamples(fixture('shanghaitech-mini', 'part_A')),
      findSamples(fixture('shanghaitech-mini', 'part_B')),
      findSamples(shanghaiTech),
    ]);
    expect(mergeSamples(b, a, a)).toEqual(all);
  });

  test("accepts the first release's layout: part_A_final/…/ground_truth/ (underscore)", async () => {
    const root = join(tmp, 'ShanghaiTech');
    const copy = async (from: string[], to: string[]) => {
      await mkdir(dirname(join(root, ...to)), { recursive: true });
      await copyFile(fixture('shanghaitech-mini', ...from), join(root, ...to));
    };
    await copy(['part_A', 'train_data', 'images', 'IMG_1.jpg'], ['part_A_final', 'train_data', 'images', 'IMG_10.jpg']);
    await copy(['part_A', 'train_data', 'ground-truth', 'GT_IMG_1.mat'], ['part_A_final', 'train_data', 'ground_truth', 'GT_IMG_10.mat']);
    await copy(['part_A', 'train_data', 'images', 'IMG_2.jpg'], ['part_A_final', 'train_data', 'images', 'IMG_2.jpg']);
    await copy(['part_A', 'train_data', 'ground-truth', 'GT_IMG_2.mat'], ['part_A_final', 'train_data', 'ground_truth', 'GT_IMG_2.mat']);
    await copy(['part_B', 'test_data', 'images', 'IMG_1.jpg'], ['part_B_final', 'test_data', 'images', 'IMG_1.jpg']);
    await copy(['part_B', 'test_data', 'ground-truth', 'GT_IMG_1.mat'], ['part_B_final', 'test_data', 'ground_truth', 'GT_IMG_1.mat']);
    expect(relativeTo(root, await findSamples(root))).toEqual([
      {
        image: 'part_A_final/train_data/images/IMG_2.jpg',
        annotation: 'part_A_final/train_data/ground_truth/GT_IMG_2.mat',
        density: 'part_A_final/train_data/ground_truth/IMG_2.h5',
        dataset: 'shanghaitech',
        part: 'A',
        split: 'train',
      },
      {
        image: 'part_A_final/train_data/images/IMG_10.jpg',
        annotation: 'part_A_final/train_data/ground_truth/GT_IMG_10.mat',
        density: 'part_A_final/train_data/ground_truth/IMG_10.h5',
        dataset: 'shanghaitech',
        part: 'A',
        split: 'train',
      },
      {
        image: 'part_B_final/test_data/images/IMG_1.jpg',
        annotation: 'part_B_final/test_data/ground_truth/GT_IMG_1.mat',
        density: 'part_B_final/test_data/ground_truth/IMG_1.h5',
        dataset: 'shanghaitech',
        part: 'B',
        split: 'test',
      },
    ]);
  });

  test('with both spellings present, the folder holding the annotation wins', async () => {
    const root = join(tmp, 'both');
    await mkdir(join(root, 'images'), { recursive: true });
    await mkdir(join(root, 'ground_truth'));
    await mkdir(join(root, 'ground-truth'));
    await writeFile(join(root, 'images', 'IMG_1.jpg'), '');
    await writeFile(join(root, 'images', 'IMG_2.jpg'), '');
    await writeFile(join(root, 'ground-truth', 'GT_IMG_1.mat'), '');
    const [one, two] = relativeTo(root, await findSamples(root));
    expect(one.annotation).toBe('ground-truth/GT_IMG_1.mat');
    // Neither has IMG_2's annotation: the first release's spelling is where it is expected.
    expect(two.annotation).toBe('ground_truth/GT_IMG_2.mat');
    expect(one.part).toBeUndefined();
    expect(one.split).toBeUndefined();
  });
});

describe('other datasets', () => {
  test('UCF-QNRF: Train|Test/img_n.jpg + img_n_ann.mat; unannotated images are listed', async () => {
    const root = join(fixtures, 'ucf-qnrf');
    const samples = relativeTo(root, await findSamples(root));
    expect(samples.map((s) => [s.image, s.annotation, s.density, s.dataset, s.split])).toEqual([
      ['Test/img_0001.jpg', 'Test/img_0001_ann.mat', 'Test/img_0001.h5', 'ucf-qnrf', 'test'],
      ['Test/img_0002.jpg', 'Test/img_0002_ann.mat', 'Test/img_0002.h5', 'ucf-qnrf', 'test'],
      ['Train/img_0001.jpg', 'Train/img_0001_ann.mat', 'Train/img_0001.h5', 'ucf-qnrf', 'train'],
      ['Train/img_0002.jpg', 'Train/img_0002_ann.mat', 'Train/img_0002.h5', 'ucf-qnrf', 'train'],
      ['Train/img_0010.jpg', 'Train/img_0010_ann.mat', 'Train/img_0010.h5', 'ucf-qnrf', 'train'],
    ]);
  });

  test('UCF_CC_50: n.jpg + n_ann.mat in one folder', async () => {
    const root = join(fixtures, 'ucf-cc-50');
    expect(relativeTo(root, await findSamples(root))).toEqual([
      { image: '1.jpg', annotation: '1_ann.mat', density: '1.h5', dataset: 'ucf-cc-50' },
      { image: '2.jpg', annotation: '2_ann.mat', density: '2.h5', dataset: 'ucf-cc-50' },
      { image: '10.jpg', annotation: '10_ann.mat', density: '10.h5', dataset: 'ucf-cc-50' },
    ]);
  });

  test('JHU-Crowd++: <split>/images/n.jpg + <split>/gt/n.txt', async () => {
    const root = join(fixtures, 'jhu-crowd');
    expect(relativeTo(root, await findSamples(root))).toEqual([
      { image: 'test/images/0004.jpg', annotation: 'test/gt/0004.txt', density: 'test/gt/0004.h5', dataset: 'jhu-crowd', split: 'test' },
      { image: 'train/images/0001.jpg', annotation: 'train/gt/0001.txt', density: 'train/gt/0001.h5', dataset: 'jhu-crowd', split: 'train' },
      { image: 'train/images/0002.jpg', annotation: 'train/gt/0002.txt', density: 'train/gt/0002.h5', dataset: 'jhu-crowd', split: 'train' },
      { image: 'val/images/0003.jpg', annotation: 'val/gt/0003.txt', density: 'val/gt/0003.h5', dataset: 'jhu-crowd', split: 'val' },
    ]);
  });

  test('NWPU-Crowd: images/n.jpg + jsons/n.json', async () => {
    const root = join(fixtures, 'nwpu-crowd');
    expect(relativeTo(root, await findSamples(root))).toEqual(
      ['0001', '0002', '0003'].map((n) => ({ image: `images/${n}.jpg`, annotation: `jsons/${n}.json`, density: `jsons/${n}.h5`, dataset: 'nwpu-crowd' })),
    );
  });

  test('one search can span several datasets', async () => {
    const samples = await findSamples(fixtures);
    const counts: Record<string, number> = {};
    for (const s of samples) counts[s.dataset] = (counts[s.dataset] ?? 0) + 1;
    expect(counts).toEqual({ 'jhu-crowd': 4, 'nwpu-crowd': 3, 'ucf-cc-50': 3, 'ucf-qnrf': 5 });
  });
});

describe('errors', () => {
  test('a path that does not exist', async () => {
    const missing = join(tmp, 'nowhere');
    await expect(findSamples(missing)).rejects.toMatchObject({ code: 'DATASET_LAYOUT', file: missing });
  });

  test('a folder with no images in a recognised layout', async () => {
    const root = join(tmp, 'holiday');
    await mkdir(root);
    await writeFile(join(root, 'beach.jpg'), '');
    await expect(findSamples(root)).rejects.toThrow(/found 1 images, none in such a layout$/);
    await expect(findSamples(root)).rejects.toMatchObject({ code: 'DATASET_LAYOUT', file: root });
  });

  test('a file that is not a .json list', async () => {
    const file = fixture('shanghaitech-mini', 'part_A', 'train_data', 'images', 'IMG_1.jpg');
    await expect(findSamples(file)).rejects.toThrow(`${file}: expected a dataset folder or a .json list file; found a .jpg file`);
  });

  test('a list naming a missing image or one outside any layout', async () => {
    const list = join(tmp, 'list.json');
    await writeFile(list, JSON.stringify([fixture('shanghaitech-mini', 'part_A', 'train_data', 'images', 'IMG_1.jpg'), 'IMG_99.jpg']));
    await expect(findSamples(list)).rejects.toMatchObject({ code: 'LIST_FORMAT', message: `${list}: entry 1: image not found at ${join(tmp, 'IMG_99.jpg')}` });
    await writeFile(join(tmp, 'beach.jpg'), '');
    await writeFile(list, JSON.stringify(['beach.jpg']));
    await expect(findSamples(list)).rejects.toMatchObject({ code: 'DATASET_LAYOUT', file: list });
  });
});
