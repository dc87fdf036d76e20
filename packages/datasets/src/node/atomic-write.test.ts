import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { writeAtomically } from './atomic-write.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowd-atomic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('writes through a temp file in the same folder, then renames it into place', async () => {
  const path = join(dir, 'out.bin');
  let tempPath = '';
  await writeAtomically(path, async (temp) => {
    tempPath = temp;
    await writeFile(temp, 'new');
    expect(await readdir(dir)).not.toContain('out.bin');
  });
  expect(join(tempPath, '..')).toBe(dir);
  expect(await readFile(path, 'utf8')).toBe('new');
  expect(await readdir(dir)).toEqual(['out.bin']);
});

test('a failing write leaves the old file and no temp file', async () => {
  const path = join(dir, 'out.bin');
  await expect(
    writeAtomically(path, async (temp) => {
      await writeFile(temp, 'partial');
      throw new Error('disk full');
    }),
  ).rejects.toThrow('disk full');
  expect(await readFile(path, 'utf8')).toBe('new');
  expect(await readdir(dir)).toEqual(['out.bin']);
});
