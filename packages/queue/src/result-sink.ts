import { hostname } from 'node:os';
import { mkdir, open, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { formatRecord } from '@crowd/count';
import type { Redis } from 'ioredis';
import type { QueueKeys } from './count-queue.js';
import { QueueError } from './errors.js';
import { getResults, recordFromJson, type StoredResult } from './result-store.js';
import { sha256 } from './count-job.js';

/**
 * A worker's append-only JSON-lines copy of the records it made: one line
 * per job id, `{"id": …}` followed by the fields `crowd count --json`
 * prints. Redis is the source of truth; the file is written from it.
 */
export interface ResultSink {
  readonly file: string;
  /** The key of this file's list of owed lines: one per machine and absolute path. */
  readonly sinkId: string;
  /** Appends every line still owed (serialised: concurrent calls wait their turn). */
  deliver(): Promise<void>;
  /** Delivers what is owed and releases the file. */
  close(): Promise<void>;
}

/** The sink id of a file on this machine. */
export function sinkIdFor(file: string): string {
  return sha256(`${hostname()}\0${resolve(file)}`).slice(0, 24);
}

/** One sink line: the job id, then the `crowd count --json` fields. */
export function sinkLine(result: StoredResult): string {
  const fields = JSON.parse(formatRecord(recordFromJson(result.record), 'json', { points: false, heatmap: false, density: false })) as Record<string, unknown>;
  return `${JSON.stringify({ id: result.id, ...fields })}\n`;
}

/**
 * Opens (creating it and its folder) the JSON-lines file a worker writes.
 *
 * Exactly once, even across SIGKILL: a record is owed to the sink of the
 * worker that stored it first (the commit adds its id to the sink's Redis
 * list atomically), lines are appended in list order and dropped from the
 * list only after the write, and on opening, owed ids already at the end
 * of the file (written, then killed before the list was trimmed) are
 * dropped, and a torn last line is cut. A `<file>.lock` holding the pid
 * keeps two live workers on one machine from sharing a file.
 */
export async function openResultSink(redis: Redis, keys: QueueKeys, file: string): Promise<ResultSink> {
  const path = resolve(file);
  const sinkId = sinkIdFor(path);
  const owed = keys.sink(sinkId);
  await mkdir(dirname(path), { recursive: true });
  const lock = await takeLock(`${path}.lock`);
  let handle: FileHandle;
  try {
    handle = await open(path, 'a+');
    await recover(handle, redis, owed);
  } catch (error) {
    await rm(lock, { force: true });
    throw error;
  }
  let chain: Promise<void> = Promise.resolve();
  const deliverOnce = async () => {
    for (;;) {
      const ids = await redis.lrange(owed, 0, 99);
      if (ids.length === 0) return;
      const results = await getResults(redis, keys, ids);
      const text = results.map((r) => (r === undefined ? '' : sinkLine(r))).join('');
      await handle.write(text);
      await handle.datasync();
      await redis.ltrim(owed, ids.length, -1);
    }
  };
  const deliver = () => {
    const next = chain.then(deliverOnce);
    chain = next.catch(() => {});
    return next;
  };
  return {
    file: path,
    sinkId,
    deliver,
    async close() {
      try {
        await deliver();
      } finally {
        await handle.close();
        await rm(lock, { force: true });
      }
    },
  };
}

async function takeLock(lock: string): Promise<string> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lock, `${process.pid}\n`, { flag: 'wx' });
      return lock;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new QueueError('INPUT_INVALID', `--results ${lock.slice(0, -5)}: another worker (pid ${pid}) on this machine writes this file; give each worker its own file (if none runs, delete ${lock})`);
      }
      // Left by a worker that was killed: take it over.
      await rm(lock, { force: true });
    }
  }
  throw new QueueError('INPUT_INVALID', `${lock}: cannot take the lock`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Cuts a torn last line, and drops owed ids whose lines the file already ends with. */
async function recover(handle: FileHandle, redis: Redis, owed: string): Promise<void> {
  const { size } = await handle.stat();
  if (size === 0) return;
  const pending = await redis.lrange(owed, 0, -1);
  const tail = await readTail(handle, size, pending.length + 1);
  // Bytes, not text: a write torn inside a multi-byte character must be cut exactly.
  const cut = tail.lastIndexOf(0x0a) + 1;
  if (cut < tail.length) await handle.truncate(size - (tail.length - cut));
  if (pending.length === 0) return;
  const written = new Set<string>();
  for (const line of tail.subarray(0, cut).toString('utf8').split('\n')) {
    const id = /^\{"id":"([^"]+)"/.exec(line)?.[1];
    if (id !== undefined) written.add(id);
  }
  // Lines are appended in list order, so the written ones are a prefix of the list.
  let done = 0;
  while (done < pending.length && written.has(pending[done])) done++;
  if (done > 0) await redis.ltrim(owed, done, -1);
}

/** The end of the file holding more than `lines` line breaks (or all of it), starting at a line boundary. */
async function readTail(handle: FileHandle, size: number, lines: number): Promise<Buffer> {
  let length = Math.min(size, 64 * 1024);
  for (;;) {
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    let breaks = 0;
    for (const byte of buffer) if (byte === 0x0a) breaks++;
    if (length === size) return buffer;
    // The first line is partial: it belongs to an older record.
    if (breaks > lines) return buffer.subarray(buffer.indexOf(0x0a) + 1);
    length = Math.min(size, length * 4);
  }
}
