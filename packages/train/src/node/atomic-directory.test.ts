import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { oldPath, recoverDirectory, replaceDirectory } from './atomic-directory.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'crowd-atomic-'));
const contents = (dir: string) => Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));

describe('replaceDirectory', () => {
  test('writes a new folder, then replaces a non-empty one whole, leaving nothing behind', async () => {
    const parent = fresh();
    const dir = join(parent, 'checkpoint');
    await replaceDirectory(dir, async (temp) => {
      writeFileSync(join(temp, 'a.txt'), 'one');
      writeFileSync(join(temp, 'b.txt'), 'one');
    });
    expect(contents(dir)).toEqual({ 'a.txt': 'one', 'b.txt': 'one' });
    await replaceDirectory(dir, async (temp) => writeFileSync(join(temp, 'a.txt'), 'two'));
    expect(contents(dir)).toEqual({ 'a.txt': 'two' });
    expect(readdirSync(parent)).toEqual(['checkpoint']);
  });

  test('a failing writer leaves the old folder untouched and no temporary folder', async () => {
    const parent = fresh();
    const dir = join(parent, 'checkpoint');
    await replaceDirectory(dir, async (temp) => writeFileSync(join(temp, 'a.txt'), 'good'));
    await expect(
      replaceDirectory(dir, async (temp) => {
        writeFileSync(join(temp, 'a.txt'), 'half');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(contents(dir)).toEqual({ 'a.txt': 'good' });
    expect(readdirSync(parent)).toEqual(['checkpoint']);
  });
});

describe('recoverDirectory', () => {
  test('killed between the two renames: the old folder is renamed back, the unfinished new one dropped', async () => {
    const parent = fresh();
    const dir = join(parent, 'checkpoint');
    await replaceDirectory(dir, async (temp) => writeFileSync(join(temp, 'state.json'), 'step 4'));
    // What the disk holds after `rename(dir, dir.old)` and before `rename(temp, dir)`.
    renameSync(dir, oldPath(dir));
    const temp = join(parent, '.checkpoint.tmp-123-abcd');
    mkdirSync(temp);
    writeFileSync(join(temp, 'state.json'), 'step 5');
    await recoverDirectory(dir);
    expect(contents(dir)).toEqual({ 'state.json': 'step 4' });
    expect(readdirSync(parent)).toEqual(['checkpoint']);
  });

  test('killed after the second rename: the new folder stays and the old one is removed', async () => {
    const parent = fresh();
    const dir = join(parent, 'checkpoint');
    mkdirSync(oldPath(dir));
    writeFileSync(join(oldPath(dir), 'state.json'), 'step 4');
    mkdirSync(dir);
    writeFileSync(join(dir, 'state.json'), 'step 5');
    await recoverDirectory(dir);
    expect(contents(dir)).toEqual({ 'state.json': 'step 5' });
    expect(existsSync(oldPath(dir))).toBe(false);
  });

  test('nothing to repair: an absent folder stays absent and other folders are left alone', async () => {
    const parent = fresh();
    mkdirSync(join(parent, 'best'));
    await recoverDirectory(join(parent, 'checkpoint'));
    expect(readdirSync(parent)).toEqual(['best']);
  });
});
