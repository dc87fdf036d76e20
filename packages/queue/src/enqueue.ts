import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { JobsOptions } from 'bullmq';
import { COUNT_JOB_NAME, countJobId, sha256, type CountJobData, type CountJobOptions } from './count-job.js';
import type { CountQueue } from './count-queue.js';
import { QueueError } from './errors.js';
import { formatBytes } from './format-bytes.js';
import { redisFailure } from './redis-connection.js';
import { modelIdentity, type ModelIdentity } from './model-identity.js';

/** Defaults of {@link EnqueueOptions}. */
export const ENQUEUE_DEFAULTS = {
  /** Largest image whose bytes travel in Redis (`embed`): 10 MiB. Redis holds them until the record is stored. */
  embedLimitBytes: 10 * 1024 * 1024,
  /**
   * Batch jobs are prioritised (BullMQ serves jobs without a priority first),
   * so the HTTP front's uploads, added without one, overtake a long batch.
   */
  priority: 10,
  /** Tries per job: a worker that fails to read a file or loses Redis gets two more chances (1 s, 2 s back-off). */
  attempts: 3,
  /** Images hashed and added per round trip. */
  chunk: 64,
} as const;

/** An image to queue: a path (read by the workers; shared storage), or bytes kept in Redis. */
export type EnqueueItem =
  | { path: string; name: string; /** The record's `image`. @default path */ image?: string }
  | { bytes: Uint8Array; name: string; image: string };

export interface EnqueueOptions {
  /**
   * The model: a path the workers can read (hashed here for the job ids) or
   * a registry id (each worker downloads it), as `crowd count --weights`.
   * A registry model's `maxSide` applies unless `count.maxSide` is set.
   * @default the workers' own model
   */
  weights?: string | ModelIdentity;
  variant?: CountJobData['variant'];
  count?: CountJobOptions;
  /** Carry path items' bytes in Redis instead of their paths (workers without the shared storage). @default false */
  embed?: boolean;
  /** @default ENQUEUE_DEFAULTS.embedLimitBytes */
  embedLimitBytes?: number;
  /** BullMQ priority, 1 (first) to 2,097,151; 0: before every prioritised job. @default ENQUEUE_DEFAULTS.priority */
  priority?: number;
  /** @default ENQUEUE_DEFAULTS.attempts */
  attempts?: number;
}

/** What became of one image. */
export type EnqueueOutcome =
  | {
      image: string;
      id: string;
      /** added: a new job; queued: its job already waits or runs; counted: its record exists; retried: its failed job was queued again. */
      status: 'added' | 'queued' | 'counted' | 'retried';
    }
  | { image: string; error: QueueError };

/**
 * Queues one job per image. The job id is the image's content digest with
 * the model's and the options' (see `countJobId`), so an image queued twice
 * (by any path, from any machine) is one job and one record; an image whose
 * job failed is retried. Path items are read here to hash them and queued
 * as absolute paths; embedded bytes are stored at `keys.image(id)` until a
 * worker stores the record. Yields each image's outcome in order; an image
 * that cannot be read or is over the embed limit is an outcome with an
 * error, not a throw.
 *
 * @throws QueueError INPUT_INVALID for bad options or unreadable weights; REDIS_UNAVAILABLE when Redis is lost.
 */
export async function* enqueueImages(queue: CountQueue, items: AsyncIterable<EnqueueItem> | Iterable<EnqueueItem>, options: EnqueueOptions = {}): AsyncGenerator<EnqueueOutcome> {
  const settings = resolveEnqueueOptions(options);
  const model = typeof options.weights === 'string' ? await modelIdentity(options.weights) : options.weights;
  const count: CountJobOptions = { ...options.count };
  if (count.maxSide === undefined && model?.maxSide !== undefined) count.maxSide = model.maxSide;
  let chunk: EnqueueItem[] = [];
  const flush = async function* () {
    try {
      yield* addChunk(queue, chunk, { ...settings, model: model?.digest, weights: model?.weights, variant: options.variant, count, embed: options.embed ?? false });
    } catch (error) {
      throw redisFailure(error, queue.url);
    }
    chunk = [];
  };
  for await (const item of items) {
    chunk.push(item);
    if (chunk.length >= ENQUEUE_DEFAULTS.chunk) yield* flush();
  }
  if (chunk.length > 0) yield* flush();
}

function resolveEnqueueOptions(options: EnqueueOptions) {
  const embedLimitBytes = options.embedLimitBytes ?? ENQUEUE_DEFAULTS.embedLimitBytes;
  const priority = options.priority ?? ENQUEUE_DEFAULTS.priority;
  const attempts = options.attempts ?? ENQUEUE_DEFAULTS.attempts;
  if (!(embedLimitBytes > 0)) throw new QueueError('INPUT_INVALID', `embedLimitBytes: expected a positive number of bytes, got ${embedLimitBytes}`);
  if (!Number.isInteger(priority) || priority < 0 || priority > 2_097_151) throw new QueueError('INPUT_INVALID', `--priority: expected an integer from 0 to 2097151, got ${priority}`);
  if (!Number.isInteger(attempts) || attempts < 1) throw new QueueError('INPUT_INVALID', `--attempts: expected a whole number ≥ 1, got ${attempts}`);
  return { embedLimitBytes, priority, attempts };
}

interface ChunkSettings {
  embedLimitBytes: number;
  priority: number;
  attempts: number;
  model: string | undefined;
  weights: string | undefined;
  variant: CountJobData['variant'];
  count: CountJobOptions;
  embed: boolean;
}

interface Prepared {
  image: string;
  id: string;
  data: CountJobData;
  bytes?: Uint8Array;
}

type Unqueueable = { image: string; error: QueueError };

async function prepare(item: EnqueueItem, settings: ChunkSettings): Promise<Prepared | Unqueueable> {
  const image = 'path' in item ? (item.image ?? item.path) : item.image;
  let bytes: Uint8Array;
  if ('path' in item) {
    try {
      bytes = await readFile(item.path);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      return { image, error: new QueueError('IMAGE_UNREADABLE', `${image}: cannot read the image to queue it (${reason})`, { cause: error }) };
    }
  } else {
    bytes = item.bytes;
  }
  const embed = !('path' in item) || settings.embed;
  if (embed && bytes.length > settings.embedLimitBytes) {
    const message = `${image}: ${formatBytes(bytes.length)} is over the ${formatBytes(settings.embedLimitBytes)} limit for images carried in Redis; queue it by path (shared storage) or raise the limit`;
    return { image, error: new QueueError('IMAGE_TOO_LARGE', message) };
  }
  const digest = sha256(bytes);
  const id = countJobId({ digest, model: settings.model, variant: settings.variant, options: settings.count });
  const data: CountJobData = {
    source: 'path' in item && !embed ? { kind: 'path', path: resolve(item.path) } : { kind: 'embedded', bytes: bytes.length },
    digest,
    image,
    name: item.name,
    options: settings.count,
  };
  if (settings.weights !== undefined) data.weights = settings.weights;
  if (settings.variant !== undefined) data.variant = settings.variant;
  return embed ? { image, id, data, bytes } : { image, id, data };
}

function jobOptions(id: string, settings: ChunkSettings): JobsOptions {
  return {
    jobId: id,
    priority: settings.priority,
    attempts: settings.attempts,
    backoff: { type: 'exponential', delay: 1000 },
    // Records live in the results hash; a finished job only has to outlive `status` and the HTTP front's wait.
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    // Failed jobs stay, with their reasons, until queued again (which retries them).
    removeOnFail: false,
  };
}

async function* addChunk(queue: CountQueue, items: EnqueueItem[], settings: ChunkSettings): AsyncGenerator<EnqueueOutcome> {
  const prepared = await Promise.all(items.map((item) => prepare(item, settings)));
  const unique = [...new Map(prepared.filter((p): p is Prepared => 'id' in p).map((p) => [p.id, p])).values()];
  const counted = unique.length === 0 ? [] : await queue.redis.hmget(queue.keys.results, ...unique.map((p) => p.id));
  const states = await Promise.all(unique.map((p, i) => (counted[i] !== null ? 'counted' : queue.queue.getJobState(p.id))));
  const status = new Map<string, 'added' | 'queued' | 'counted' | 'retried'>();
  const fresh: Prepared[] = [];
  for (const [i, p] of unique.entries()) {
    const state = states[i];
    if (state === 'counted') {
      status.set(p.id, 'counted');
    } else if (state === 'unknown') {
      status.set(p.id, 'added');
      fresh.push(p);
    } else if (state === 'failed') {
      if (p.bytes !== undefined) await queue.redis.set(queue.keys.image(p.id), Buffer.from(p.bytes));
      await (await queue.queue.getJob(p.id))?.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      status.set(p.id, 'retried');
    } else {
      status.set(p.id, 'queued');
    }
  }
  // Bytes first: a worker may take the job the moment it is added.
  const withBytes = fresh.filter((p) => p.bytes !== undefined);
  if (withBytes.length > 0) {
    const multi = queue.redis.multi();
    for (const p of withBytes) multi.set(queue.keys.image(p.id), Buffer.from(p.bytes!));
    await multi.exec();
  }
  if (fresh.length > 0) await queue.queue.addBulk(fresh.map((p) => ({ name: COUNT_JOB_NAME, data: p.data, opts: jobOptions(p.id, settings) })));
  const first = new Set<string>();
  for (const p of prepared) {
    if (!('id' in p)) {
      yield p;
    } else if (first.has(p.id)) {
      // The same bytes twice in one chunk: one job, queued by the first.
      yield { image: p.image, id: p.id, status: 'queued' };
    } else {
      first.add(p.id);
      yield { image: p.image, id: p.id, status: status.get(p.id)! };
    }
  }
}
