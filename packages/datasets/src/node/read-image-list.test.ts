import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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

test('reads Windows separators on every platform', async () => {
  const list = join(dir, 'windows.json');
  await writeFile(list, JSON.stringify(['part_A\\test_data\\images\\IMG_1.jpg', 'part_A/test_data\\images/IMG_2.jpg']));
  expect(await readImageList(list)).toEqual([1, 2].map((n) => join(dir, 'part_A', 'test_data', 'images', `IMG_${n}.jpg`)));
});

test('a drive-letter or network path resolves by the longest tail that is a file under the list folder', async () => {
  const root = join(dir, 'ShanghaiTech');
  await mkdir(join(root, 'part_A', 'test_data', 'images'), { recursive: true });
  await writeFile(join(root, 'part_A', 'test_data', 'images', 'IMG_1.jpg'), 'x');
  await writeFile(join(root, 'IMG_1.jpg'), 'a shorter tail that must not win');
  const list = join(root, 'part_A_test.json');
  await writeFile(list, JSON.stringify(['C:\\Users\\me\\ShanghaiTech\\part_A\\test_data\\images\\IMG_1.jpg', '\\\\nas\\crowd\\part_A\\test_data\\images\\IMG_1.jpg', 'D:/x/IMG_1.jpg']));
  expect(await readImageList(list)).toEqual([join(root, 'part_A', 'test_data', 'images', 'IMG_1.jpg'), join(root, 'part_A', 'test_data', 'images', 'IMG_1.jpg'), join(root, 'IMG_1.jpg')]);
});

test('a drive-letter path with no tail under the list folder is a LIST_FORMAT error saying what to do', async () => {
  const list = join(dir, 'drive.json');
  await writeFile(list, JSON.stringify(['C:\\data\\part_A\\IMG_404.jpg']));
  await expect(readImageList(list)).rejects.toMatchObject({
    code: 'LIST_FORMAT',
    file: list,
    message: `${list}: entry 0 ("C:\\\\data\\\\part_A\\\\IMG_404.jpg") is a Windows path on drive C:, which cannot be opened here, and no file under the list's folder ${dir} ends it (looked for data/part_A/IMG_404.jpg and each shorter tail, down to IMG_404.jpg); write the entry relative to the list's folder`,
  });
});
