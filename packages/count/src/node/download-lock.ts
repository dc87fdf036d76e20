import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CountError } from '../errors.js';

/** Whether a process with this id is running (EPERM: it is, but it is not ours). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<path>.lock` (created exclusively, holding this process's id) so
 * two processes never write the same partial download; a lock whose process
 * is gone (killed mid-download) is taken over. Resolves with the release
 * function.
 *
 * @throws CountError MODEL_BUSY when a running process holds it.
 */
export async function acquireDownloadLock(path: string, what: string): Promise<() => Promise<void>> {
  const lock = `${path}.lock`;
  await mkdir(dirname(lock), { recursive: true });
  for (let tries = 0; ; tries++) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || tries > 0) throw error;
    }
    const pid = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
    if (Number.isSafeInteger(pid) && pid > 0 && isRunning(pid)) {
      throw new CountError('MODEL_BUSY', undefined, `${what} is being downloaded by another process (pid ${pid}); wait for it to finish, or remove ${lock} if that process is not crowd`);
    }
    await rm(lock, { force: true });
  }
}
