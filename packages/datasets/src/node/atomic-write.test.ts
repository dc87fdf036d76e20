import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DatasetError } from '../errors.js';
import { removePendingTempFiles, writeAtomically } from './atomic-write.js';
import { writeDensityH5 } from './density-h5.js';
import { writeErrorReason } from './write-error-reason.js';

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
  expect(tempPath).toMatch(new RegExp(`/\\.out\\.bin\\.${process.pid}\\.[0-9a-f]{8}\\.tmp$`));
  expect(await readFile(path, 'utf8')).toBe('new');
  expect(await readdir(dir)).toEqual(['out.bin']);
});

test('a failing write leaves the old file and no temp file, and names the target and the cause', async () => {
  const path = join(dir, 'out.bin');
  const error = await writeAtomically(path, async (temp) => {
    await writeFile(temp, 'partial');
    throw new Error('disk full');
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DatasetError);
  expect(error).toMatchObject({ code: 'WRITE_FAILED', file: path, message: `${path}: cannot write the file (disk full)` });
  expect(await readFile(path, 'utf8')).toBe('new');
  expect(await readdir(dir)).toEqual(['out.bin']);
});

test('ENOSPC names the file being written and the real cause', async () => {
  // /dev/full answers every write with ENOSPC, as a full disk does.
  const path = join(dir, 'full.bin');
  const error = await writeAtomically(path, async () => {
    await writeFile('/dev/full', 'x');
  }).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'WRITE_FAILED', file: path, message: `${path}: cannot write the file (ENOSPC: no space left on device)` });
  expect((error as Error).cause).toMatchObject({ code: 'ENOSPC' });
  expect(existsSync(path)).toBe(false);
});

test('a folder that refuses files reports EACCES for the target, not the ENOENT h5wasm reads into its errno', async () => {
  // Root may write anywhere ordinary, but not into sysfs.
  const path = '/sys/kernel/IMG_1.h5';
  const error = await writeDensityH5(path, { height: 1, width: 1, data: Float32Array.of(1) }).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'WRITE_FAILED', file: path, message: `${path}: cannot write the file (EACCES: permission denied: the folder is not writable by this user)` });
});

test('h5wasm errno values are WASI numbers: 2 is EACCES, 51 ENOSPC, 69 EROFS', () => {
  const hdf5 = (errno: number) => new Error(`unable to open file: name = '/x/.IMG_1.h5.1.00000000.tmp', errno = ${errno}, error message = '…'`);
  expect(writeErrorReason(hdf5(2))).toBe('EACCES: permission denied: the folder is not writable by this user');
  expect(writeErrorReason(hdf5(51))).toBe('ENOSPC: no space left on device');
  expect(writeErrorReason(hdf5(69))).toBe('EROFS: read-only file system');
  const node = Object.assign(new Error("EMFILE: too many open files, open '/x/.y.tmp'"), { code: 'EMFILE' });
  expect(writeErrorReason(node)).toBe('EMFILE: too many open files');
});

test('removePendingTempFiles removes the temp file of a write in progress (what a SIGINT handler calls)', async () => {
  const folder = join(dir, 'pending');
  await mkdir(folder);
  let release = () => {};
  let started = () => {};
  const writing = new Promise<void>((resolve) => (started = resolve));
  const write = writeAtomically(join(folder, 'IMG_1.h5'), async (temp) => {
    await writeFile(temp, 'half');
    started();
    await new Promise<void>((resolve) => (release = resolve));
  });
  await writing;
  const [temp] = await readdir(folder);
  expect(temp).toMatch(new RegExp(`^\\.IMG_1\\.h5\\.${process.pid}\\.[0-9a-f]{8}\\.tmp$`));
  expect(removePendingTempFiles()).toEqual([join(folder, temp)]);
  expect(await readdir(folder)).toEqual([]);
  release();
  await expect(write).rejects.toMatchObject({ code: 'WRITE_FAILED' });
  expect(await readdir(folder)).toEqual([]);
  expect(removePendingTempFiles()).toEqual([]);
});
