import type { CountQueue } from './count-queue.js';
import { redisFailure } from './redis-connection.js';

/** A job that failed after its retries. */
export interface FailedJob {
  id: string;
  image: string;
  /** BullMQ's recorded reason: `<CODE>: <message>` for the package's own failures (see `reasonCode`). */
  reason: string;
  attempts: number;
}

/** Where a queue stands. */
export interface QueueStatus {
  /** Records stored: images counted, whoever counted them. */
  counted: number;
  /** Jobs not yet taken (BullMQ's waiting and prioritised lists). */
  waiting: number;
  /** Jobs a worker holds now. */
  active: number;
  /** Jobs waiting out a retry's back-off. */
  delayed: number;
  /** Jobs failed after their retries. */
  failed: number;
  /** Workers connected to the queue. */
  workers: number;
  /** The newest failed jobs, up to `failedLimit`. */
  failedJobs: FailedJob[];
}

/** Jobs not finished: waiting, running or due for a retry. */
export const pendingJobs = (status: QueueStatus): number => status.waiting + status.active + status.delayed;

/** Counts by state, and the newest failed jobs with their reasons. */
export async function queueStatus(queue: CountQueue, options: { failedLimit?: number } = {}): Promise<QueueStatus> {
  const failedLimit = options.failedLimit ?? 20;
  try {
    const [counts, counted, workers] = await Promise.all([
      queue.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'),
      queue.redis.hlen(queue.keys.results),
      queue.queue.getWorkersCount(),
    ]);
    const failedJobs = failedLimit > 0 && counts.failed > 0 ? await failedJobsOf(queue, 0, failedLimit - 1) : [];
    return {
      counted,
      waiting: counts.waiting + counts.prioritized,
      active: counts.active,
      delayed: counts.delayed,
      failed: counts.failed,
      workers,
      failedJobs,
    };
  } catch (error) {
    throw redisFailure(error, queue.url);
  }
}

/** Failed jobs from newest (`start` 0) to `end`, inclusive. */
export async function failedJobsOf(queue: CountQueue, start: number, end: number): Promise<FailedJob[]> {
  const jobs = await queue.queue.getFailed(start, end);
  return jobs.flatMap((job) =>
    job === undefined || job.id === undefined ? [] : [{ id: job.id, image: job.data?.image ?? job.id, reason: job.failedReason ?? 'unknown', attempts: job.attemptsMade }],
  );
}
