import { setTimeout as sleep } from 'node:timers/promises';
import type { CountQueue } from './count-queue.js';
import { pendingJobs, queueStatus, type FailedJob, type QueueStatus } from './queue-status.js';
import { redisFailure } from './redis-connection.js';
import { getResults, readLog, resultsCursor } from './result-store.js';

/** How often progress is polled, in milliseconds. */
export const WATCH_INTERVAL_MS = 500;

/**
 * Failures are found by their finish time, stamped by the worker's clock;
 * this much skew between machines is tolerated.
 */
const CLOCK_SKEW_MS = 60_000;

/** Where the queue was before a batch was added: taken first, so nothing that happens while adding is missed. */
export interface BatchStart {
  cursor: string;
  time: number;
}

export async function batchStart(queue: CountQueue): Promise<BatchStart> {
  return { cursor: await resultsCursor(queue.redis, queue.keys), time: Date.now() };
}

/** How far a batch is. */
export interface BatchProgress {
  total: number;
  counted: number;
  /** Every job of the batch that failed after its retries, so far. */
  failed: FailedJob[];
  /** Every job is counted or failed. */
  done: boolean;
}

export interface WatchOptions {
  /** @default WATCH_INTERVAL_MS */
  intervalMs?: number;
  signal?: AbortSignal;
}

/**
 * Follows a batch of job ids until each is counted (its record is stored)
 * or failed after its retries: yields at once, then after each change.
 * Records are read from the results log and failures from BullMQ's failed
 * set, both incrementally from `start`, so a poll costs what changed.
 */
export async function* watchBatch(queue: CountQueue, ids: Iterable<string>, start: BatchStart, options: WatchOptions = {}): AsyncGenerator<BatchProgress> {
  const intervalMs = options.intervalMs ?? WATCH_INTERVAL_MS;
  const remaining = new Set(ids);
  const total = remaining.size;
  const failed: FailedJob[] = [];
  let counted = 0;
  let cursor = start.cursor;
  let since = start.time - CLOCK_SKEW_MS;
  const progress = (): BatchProgress => ({ total, counted, failed: [...failed], done: remaining.size === 0 });
  try {
    // Records stored before the batch began (counted earlier, or while it was being added) are not in the log after `start`.
    const all = [...remaining];
    for (let i = 0; i < all.length; i += 1000) {
      const page = all.slice(i, i + 1000);
      const results = await getResults(queue.redis, queue.keys, page);
      for (const [j, result] of results.entries()) if (result !== undefined && remaining.delete(page[j])) counted++;
    }
    yield progress();
    while (remaining.size > 0 && !options.signal?.aborted) {
      await sleep(intervalMs, undefined, { signal: options.signal }).catch(() => {});
      if (options.signal?.aborted) return;
      let changed = false;
      for (;;) {
        const page = await readLog(queue.redis, queue.keys, cursor);
        cursor = page.cursor;
        for (const id of page.ids) {
          if (remaining.delete(id)) {
            counted++;
            changed = true;
          }
        }
        if (page.ids.length === 0) break;
      }
      const newest = await failuresSince(queue, since);
      since = Math.max(since, newest.time - CLOCK_SKEW_MS);
      for (const job of newest.jobs) {
        if (remaining.delete(job.id)) {
          failed.push(job);
          changed = true;
        }
      }
      if (changed) yield progress();
    }
  } catch (error) {
    throw redisFailure(error, queue.url);
  }
}

/** Failed jobs that finished at or after `since` (ms), newest first, and the newest finish time seen. */
async function failuresSince(queue: CountQueue, since: number): Promise<{ jobs: FailedJob[]; time: number }> {
  const jobs: FailedJob[] = [];
  let time = since;
  for (let start = 0; ; start += 100) {
    const page = await queue.queue.getFailed(start, start + 99);
    let older = false;
    for (const job of page) {
      if (job === undefined || job.id === undefined) continue;
      const finished = job.finishedOn ?? 0;
      if (finished < since) {
        older = true;
        break;
      }
      time = Math.max(time, finished);
      jobs.push({ id: job.id, image: job.data?.image ?? job.id, reason: job.failedReason ?? 'unknown', attempts: job.attemptsMade });
    }
    if (older || page.length < 100) return { jobs, time };
  }
}

/** The queue's status now, then after each change, until no job is pending (`crowd queue status --watch`). */
export async function* watchQueue(queue: CountQueue, options: WatchOptions & { failedLimit?: number } = {}): AsyncGenerator<QueueStatus> {
  const intervalMs = options.intervalMs ?? WATCH_INTERVAL_MS;
  let last = '';
  for (;;) {
    const status = await queueStatus(queue, { failedLimit: options.failedLimit });
    const key = JSON.stringify(status);
    if (key !== last) yield status;
    last = key;
    if (pendingJobs(status) === 0 || options.signal?.aborted) return;
    await sleep(intervalMs, undefined, { signal: options.signal }).catch(() => {});
  }
}
