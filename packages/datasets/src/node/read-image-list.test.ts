import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '@crowd/test-utils';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readImageList } from './read-image-list.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowd-list-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("resolves relative entries against the list's folder, not the working directory", async () => {
  const images = await readImageList(fixture('shanghaitech-mini', 'part_A_train.json'));
  expect(images).toEqual([1, 2, 3, 4].map((n) => fixture('shanghaitech-mini', 'part_A', 'train_data', 'images', `IMG_${n}.jpg`)));
});

test('keeps absolute entries as they are', async () => {
  const list = join(dir, 'list.json');
  const absolute = join(tmpdir(), 'elsewhere', 'IMG_1.jpg');
  await writeFile(list, JSON.stringify([absolute, 'sub/IMG_2.jpg']));
  expect(await readImageList(list)).toEqual([absolute, join(dir, 'sub', 'IMG_2.jpg')]);
});

test('a missing or malformed list is a LIST_FORMAT error naming it', async () => {
  const missing = join(dir, 'missing.json');
  await expect(readImageList(missing)).rejects.toMatchObject({ code: 'LIST_FORMAT', file: missing, message: `${missing}: list file not found` });
  const bad = join(dir, 'bad.json');
  await writeFile(bad, '{"images": ["a.jpg"]}');
  await expect(readImageList(bad)).rejects.toThrow(`${bad}: expected a JSON array of image paths; found object`);
});
