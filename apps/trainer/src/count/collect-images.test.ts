import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { collectImages, type ImageEntry } from './collect-images.ts';

async function all(args: string[]): Promise<ImageEntry[]> {
  const out: ImageEntry[] = [];
  for await (const entry of collectImages(args)) out.push(entry);
  return out;
}

test('folders are walked recursively in natural order; files are taken as given; other image types and missing paths are errors', async () => {
  const root = mkdtempSync(join(tmpdir(), 'crowd-collect-'));
  for (const file of [
    'IMG_10.jpg',
    'IMG_2.JPEG',
    'b.png',
    'notes.txt',
    'GT_IMG_1.mat',
    'anim.gif',
    '.hidden.jpg',
    'sub/c.webp',
    'sub/deeper/d.jpg',
    '.git/e.jpg',
  ]) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), '');
  }
  symlinkSync(root, join(root, 'sub', 'loop'));
  const single = join(root, 'notes.txt');
  const entries = await all([root, single, join(root, 'missing.jpg')]);
  expect(entries).toEqual([
    // naturalCompare (as findSamples sorts datasets) orders by code point outside digit runs: upper case first.
    { path: join(root, 'IMG_2.JPEG'), name: 'IMG_2' },
    { path: join(root, 'IMG_10.jpg'), name: 'IMG_10' },
    { path: join(root, 'anim.gif'), error: 'unsupported image type .gif (crowd count reads JPEG, PNG and WebP)' },
    { path: join(root, 'b.png'), name: 'b' },
    { path: join(root, 'sub', 'c.webp'), name: join('sub', 'c') },
    { path: join(root, 'sub', 'deeper', 'd.jpg'), name: join('sub', 'deeper', 'd') },
    { path: single, name: 'notes' },
    { path: join(root, 'missing.jpg'), error: 'cannot read: no such file or directory' },
  ]);
});
