import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Runs `write(tempPath)` and then renames the temp file over `path`, so a
 * reader (or a crashed run) never sees a half-written file. The temp file is
 * in the same folder because rename is only atomic within one file system.
 * The folder is created if missing; on failure the temp file is removed.
 */
export async function writeAtomically(path: string, write: (tempPath: string) => Promise<void> | void): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tempPath = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await write(tempPath);
    await rename(tempPath, path);
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  }
}
