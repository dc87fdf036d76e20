import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { removeStaleTempFiles, removeTempFilesOf, STALE_TEMP_AGE_MS } from './stale-temp-files.js';

/** Above Linux's largest pid (4194304), so never a running process. */
const DEAD_PID = 4_194_305;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowd-stale-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function touch(folder: string, name: string, modified?: number): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, 'x');
  if (modified !== undefined) await utimes(path, modified / 1000, modified / 1000);
  return path;
}

test('removes temp files of dead pids, of this pid from before the run, and any older than 10 minutes; keeps the rest', async () => {
  const folder = join(dir, 'ground-truth');
  await mkdir(folder);
  // A fixed start of the run (no clock read): every file is stamped relative to it.
  const since = Date.UTC(2030, 0, 1);
  const alive = process.ppid; // the test runner: running
  const dead = await touch(folder, `.IMG_1.h5.${DEAD_PID}.0123abcd.tmp`);
  const ours = await touch(folder, `.IMG_2.h5.${process.pid}.89abcdef.tmp`, since - 1000);
  const old = await touch(folder, `.IMG_3.h5.${alive}.00000000.tmp`, since - STALE_TEMP_AGE_MS - 1000);
  const live = await touch(folder, `.IMG_4.h5.${alive}.11111111.tmp`, since - 1000);
  await touch(folder, `.IMG_5.h5.${process.pid}.22222222.tmp`, since + 1000);
  await touch(folder, 'IMG_1.h5');
  await touch(folder, '.IMG_6.h5.123.notHex00.tmp');
  expect(await removeStaleTempFiles([folder, folder, join(dir, 'missing')], { since })).toEqual([dead, ours, old].sort());
  expect((await readdir(folder)).sort()).toEqual(['.IMG_4.h5.' + alive + '.11111111.tmp', `.IMG_5.h5.${process.pid}.22222222.tmp`, '.IMG_6.h5.123.notHex00.tmp', 'IMG_1.h5'].sort());
  expect(live).toContain('IMG_4');
});

test('removeTempFilesOf removes only the given targets’ temp files of this pid', async () => {
  const folder = join(dir, 'workers');
  await mkdir(folder);
  const mine = await touch(folder, `.IMG_1.h5.${process.pid}.aaaaaaaa.tmp`);
  await touch(folder, `.IMG_1.h5.${DEAD_PID}.bbbbbbbb.tmp`);
  await touch(folder, `.IMG_2.h5.${process.pid}.cccccccc.tmp`);
  expect(await removeTempFilesOf([join(folder, 'IMG_1.h5')])).toEqual([mine]);
  expect((await readdir(folder)).sort()).toEqual([`.IMG_1.h5.${DEAD_PID}.bbbbbbbb.tmp`, `.IMG_2.h5.${process.pid}.cccccccc.tmp`]);
});
