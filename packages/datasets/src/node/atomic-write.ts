import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DatasetError } from '../errors.js';
import { writeErrorReason } from './write-error-reason.js';

/** Temp files this thread is writing now, so an interrupt can remove them. */
const pending = new Set<string>();

/**
 * The temp file for `path`: hidden, in the same folder,
 * `.<name>.<pid>.<8 hex digits>.tmp`, the scheme removeStaleTempFiles and
 * removeTempFilesOf recognise.
 */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Runs `write(tempPath)` and then renames the temp file over `path`, so a
 * reader (or a crashed run) never sees a half-written file. The temp file is
 * in the same folder because rename is only atomic within one file system.
 * The folder is created if missing; on failure the temp file is removed, and
 * while the write runs the temp file is listed for {@link removePendingTempFiles}.
 *
 * The temp file is created by Node before `write` runs, so a folder that
 * cannot take a file fails here with the operating system's own reason
 * rather than with whatever a library writing into it (h5wasm) reports.
 *
 * @throws DatasetError WRITE_FAILED naming `path` and the cause, e.g.
 *   `EACCES: permission denied`, `EROFS: read-only file system` or `ENOSPC:
 *   no space left on device`; the original error is the `cause`. A
 *   DatasetError thrown by `write` is passed on as it is.
 */
export async function writeAtomically(path: string, write: (tempPath: string) => Promise<void> | void): Promise<void> {
  const tempPath = tempPathFor(path);
  try {
    await mkdir(dirname(path), { recursive: true });
    pending.add(tempPath);
    await (await open(tempPath, 'wx')).close();
    await write(tempPath);
    await rename(tempPath, path);
  } catch (error) {
    // Best effort: where the folder could not be made, there is no temp file and rm fails too.
    await rm(tempPath, { force: true }).catch(() => {});
    // A reader's own typed error (a map that cannot be written, say) already says what is wrong.
    if (error instanceof DatasetError) throw error;
    throw new DatasetError('WRITE_FAILED', path, `cannot write the file (${writeErrorReason(error)})`, { cause: error });
  } finally {
    pending.delete(tempPath);
  }
}

/**
 * Removes, synchronously, the temp files of the writes this thread has in
 * progress, for a SIGINT/SIGTERM handler that is about to exit. The writes
 * themselves then fail, which no longer matters.
 *
 * @returns the paths removed.
 */
export function removePendingTempFiles(): string[] {
  const removed = [...pending];
  for (const path of removed) rmSync(path, { force: true });
  pending.clear();
  return removed;
}
