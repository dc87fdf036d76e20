import { readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** `.<name>.<pid>.<8 hex digits>.tmp`, the names {@link writeAtomically} gives its temp files. */
const TEMP_NAME = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * A temp file older than this, before the run that finds it, is stale even
 * when its pid is alive: no write through writeAtomically takes that long, so
 * the pid has been reused by an unrelated process.
 */
export const STALE_TEMP_AGE_MS = 10 * 60 * 1000;

export interface StaleTempOptions {
  /** When the current run started, in ms since the epoch. @default now */
  since?: number;
}

/**
 * Removes the temp files an interrupted (killed, crashed) write left in
 * `folders`: those of writeAtomically's naming scheme that no write still in
 * progress can own. A temp file is stale when
 *
 * - the process that wrote it is no longer running, or
 * - it was written by this process before `since` (a container gives each
 *   run the same pid), or
 * - it was last modified {@link STALE_TEMP_AGE_MS} or more before `since`.
 *
 * Folders that do not exist are skipped.
 *
 * @returns the paths removed, sorted.
 */
export async function removeStaleTempFiles(folders: Iterable<string>, options: StaleTempOptions = {}): Promise<string[]> {
  const since = options.since ?? Date.now();
  const removed: string[] = [];
  for (const folder of new Set(folders)) {
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names) {
      const match = TEMP_NAME.exec(name);
      if (match === null) continue;
      const path = join(folder, name);
      const modified = await stat(path).then((s) => s.mtimeMs, () => undefined);
      if (modified === undefined) continue;
      const pid = Number(match[2]);
      const stale = !isRunning(pid) || (pid === process.pid && modified < since) || modified <= since - STALE_TEMP_AGE_MS;
      if (!stale) continue;
      await rm(path, { force: true });
      removed.push(path);
    }
  }
  return removed.sort();
}

/**
 * Removes the temp files process `pid` (this one by default) has for each of
 * `targets`, e.g. after terminating the worker threads that were writing
 * them: worker threads share the process's pid, and their writes' temp files
 * are named after it.
 *
 * @returns the paths removed, sorted.
 */
export async function removeTempFilesOf(targets: Iterable<string>, pid = process.pid): Promise<string[]> {
  const removed: string[] = [];
  for (const target of new Set(targets)) {
    const folder = dirname(target);
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names) {
      const match = TEMP_NAME.exec(name);
      if (match === null || match[1] !== basename(target) || Number(match[2]) !== pid) continue;
      await rm(join(folder, name), { force: true });
      removed.push(join(folder, name));
    }
  }
  return removed.sort();
}

/** Whether a process with this pid exists (EPERM: it does, but is not ours to signal). */
function isRunning(pid: number): boolean {
  // 0 and negative pids name process groups, not processes.
  if (!(pid >= 1 && pid <= 0x7fffffff)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
