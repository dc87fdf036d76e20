import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Where the previous version of `dir` waits while the new one is renamed into place. */
export const oldPath = (dir: string): string => `${dir}.old`;

const tempPrefix = (dir: string): string => `.${basename(dir)}.tmp-`;

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

/** Flushes a file or folder to disk; folders cannot be fsynced on some systems (Windows), which is not an error there. */
export async function fsyncPath(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces the folder `dir` with a new one, atomically for anyone who reads
 * it after {@link recoverDirectory}: `fill` writes the new contents into a
 * temporary sibling folder; then the old folder is renamed to `<dir>.old`, the
 * new one renamed to `dir`, and the old one removed. A folder cannot be
 * renamed over a non-empty one, hence the two renames; a process killed
 * between them leaves only `<dir>.old`, which recovery renames back.
 */
export async function replaceDirectory(dir: string, fill: (tempDir: string) => Promise<void>): Promise<void> {
  const parent = dirname(dir);
  const temp = join(parent, `${tempPrefix(dir)}${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await rm(temp, { recursive: true, force: true });
    await mkdir(temp, { recursive: true });
    await fill(temp);
    for (const name of await readdir(temp)) await fsyncPath(join(temp, name));
    await fsyncPath(temp);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  const old = oldPath(dir);
  if (await exists(dir)) {
    await rm(old, { recursive: true, force: true });
    await rename(dir, old);
  }
  await rename(temp, dir);
  await fsyncPath(parent);
  await rm(old, { recursive: true, force: true });
}

/**
 * Repairs what a killed {@link replaceDirectory} left: `<dir>.old` without
 * `dir` (killed between the renames) becomes `dir` again; `<dir>.old` beside
 * `dir` (killed before the clean-up) and unfinished temporary folders are
 * removed. Call it before reading `dir`, while nothing is writing it.
 */
export async function recoverDirectory(dir: string): Promise<void> {
  const old = oldPath(dir);
  if (await exists(old)) {
    if (await exists(dir)) await rm(old, { recursive: true, force: true });
    else await rename(old, dir);
  }
  const parent = dirname(dir);
  const prefix = tempPrefix(dir);
  const siblings = await readdir(parent).catch(() => [] as string[]);
  for (const name of siblings) if (name.startsWith(prefix)) await rm(join(parent, name), { recursive: true, force: true });
}
