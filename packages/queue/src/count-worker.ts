import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { countFile, EngineAttempt, EngineChoice, EnsureModelOptions, NodeCounter, NodeCounterOptions } from '@crowd/count/node';
import { countFileOptions, sha256, type CountJobData } from './count-job.js';
import { checkQueueName, queueKeys, QUEUE_DEFAULTS, quitRedis, type QueueKeys } from './count-queue.js';
import { failedReason, QueueError } from './errors.js';
import { connectRedis, type RedisConnectOptions } from './redis-connection.js';
import { openResultSink, type ResultSink } from './result-sink.js';
import { commitResult, getResults, recordToJson, type StoredResult } from './result-store.js';

/**
 * Worker defaults. The stalled-job settings are BullMQ's production values
 * (a lock of 30 s renewed every 15 s, checked every 30 s) except that a job
 * may stall twice: a job whose worker is killed is counted again by another
 * within about a minute, and an image that kills three workers in a row is
 * failed rather than retried forever. Neither engine blocks the event loop
 * during a pass (onnxruntime runs off the main thread, tfjs yields between
 * layers), so locks are renewed even while a large image is counted.
 */
export const WORKER_DEFAULTS = {
  concurrency: 1,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 2,
} as const;

export interface CountWorkerOptions extends RedisConnectOptions {
  redis: string;
  /** @default QUEUE_DEFAULTS.name */
  queue?: string;
  /** Jobs counted at once by this process. @default 1 (onnxruntime already uses every core for one image) */
  concurrency?: number;
  /**
   * The model for jobs that name none, as `crowd count --weights` takes it (a
   * path or a registry id); loaded before the first job, so a bad one fails
   * at start. @default crowd count's default model, loaded by the first job that needs it
   */
  weights?: string;
  /** How a registry model is fetched into this machine's cache (offline, mirror, progress). */
  download?: EnsureModelOptions;
  variant?: NodeCounterOptions['variant'];
  /** @default 'auto' */
  engine?: EngineChoice;
  backend?: NodeCounterOptions['backend'];
  /** onnxruntime threads per counter. @default all cores */
  threads?: number;
  /** Append each record this worker makes to this JSON-lines file (see `openResultSink`). */
  results?: string;
  /** @default WORKER_DEFAULTS.lockDurationMs */
  lockDurationMs?: number;
  /** @default WORKER_DEFAULTS.stalledIntervalMs */
  stalledIntervalMs?: number;
  /** @default WORKER_DEFAULTS.maxStalledCount */
  maxStalledCount?: number;
  /** BullMQ's rate limit for the whole queue: at most `max` jobs per `durationMs`, over all workers. */
  limiter?: { max: number; durationMs: number };
  /** Names this worker on the jobs it takes. @default `<hostname>:<pid>` */
  name?: string;
  /** Progress and trouble, one line each (model loaded, a job failed, Redis lost). */
  log?: (line: string) => void;
}

/** A running worker. */
export interface CountWorker {
  readonly name: string;
  /** The engine counting jobs without their own weights (when `weights` was given), and what it skipped. */
  readonly engine?: { name: string; tried: readonly EngineAttempt[] };
  /**
   * Stops gracefully: takes no new jobs, finishes the ones it holds, writes
   * their lines, frees the models, closes its connections. Idempotent.
   */
  close(): Promise<void>;
}

function positive(name: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0)) throw new QueueError('INPUT_INVALID', `${name}: expected a positive whole number, got ${value}`);
  return value;
}

/**
 * Starts a worker: connects (a clear error naming the URL if Redis is not
 * there), loads `weights` once, and counts jobs with `countFile`, the code
 * `crowd count` runs, so records are equal to `crowd count`'s on the same
 * engine. Each record is stored once per job id (first writer wins), then
 * written to `results`. A job whose record already exists (it ran before a
 * crash) is not counted again. Redis outages are waited out.
 */
export async function startCountWorker(options: CountWorkerOptions): Promise<CountWorker> {
  const queueName = checkQueueName(options.queue ?? QUEUE_DEFAULTS.name);
  const concurrency = positive('--concurrency', options.concurrency ?? WORKER_DEFAULTS.concurrency);
  const lockDuration = positive('--lock-duration', options.lockDurationMs ?? WORKER_DEFAULTS.lockDurationMs);
  const stalledInterval = positive('--stalled-interval', options.stalledIntervalMs ?? WORKER_DEFAULTS.stalledIntervalMs);
  const maxStalledCount = positive('--max-stalled-count', options.maxStalledCount ?? WORKER_DEFAULTS.maxStalledCount);
  if (options.limiter !== undefined) {
    positive('rate limit jobs', options.limiter.max);
    positive('rate limit period', options.limiter.durationMs);
  }
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const log = options.log ?? (() => {});
  const keys = queueKeys(queueName);
  const connect: RedisConnectOptions = { role: 'worker', connectTimeoutMs: options.connectTimeoutMs, onStatus: options.onStatus ?? log };

  const redis = await connectRedis(options.redis, connect);
  const [{ Worker, UnrecoverableError }, { countFile, createCounter, resolveWeights }] = await Promise.all([import('bullmq'), import('@crowd/count/node')]);
  const models = new Map<string, Promise<LoadedModel>>();
  const modelFor = (weights: string | undefined, variant: NodeCounterOptions['variant']): Promise<LoadedModel> => {
    const key = `${weights ?? ''}\0${variant ?? ''}`;
    let model = models.get(key);
    if (model === undefined) {
      model = (async () => {
        const resolved = await resolveWeights(weights, options.download);
        const counter = await createCounter({
          weights: resolved.path,
          engine: options.engine,
          backend: options.backend,
          ...(variant === undefined && resolved.model === undefined ? {} : { variant: variant ?? resolved.model?.architecture.variant }),
          ...(options.threads === undefined ? {} : { threads: options.threads }),
        });
        return { counter, maxSide: resolved.model?.preprocessing.maxSide };
      })();
      models.set(key, model);
      // A model that fails to load is tried again by the next job that needs it.
      model.catch(() => models.delete(key));
    }
    return model;
  };
  let scratch: string | undefined;
  let sink: ResultSink | undefined;
  const cleanup = async () => {
    await sink?.close().catch((error) => log(`cannot finish ${sink?.file}: ${(error as Error).message}`));
    for (const model of models.values()) await (await model.catch(() => undefined))?.counter.dispose();
    models.clear();
    await quitRedis(redis);
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  };
  let engine: CountWorker['engine'];
  let worker: Worker<CountJobData, StoredResult>;
  try {
    if (options.weights !== undefined) {
      const { counter } = await modelFor(options.weights, options.variant);
      engine = { name: counter.engine, tried: counter.tried };
    }
    scratch = await mkdtemp(join(tmpdir(), 'crowd-worker-'));
    if (options.results !== undefined) sink = await openResultSink(redis, keys, options.results);
    // Lines left owed by a previous run on this file (killed after storing a record, before writing it).
    await sink?.deliver();
    const unrecoverable = (error: QueueError) => new UnrecoverableError(failedReason(error));
    const context: JobContext = { redis, keys, name, scratch, sink, log, modelFor, unrecoverable, countFile, defaultWeights: options.weights, defaultVariant: options.variant };
    // BullMQ uses this connection for its commands and opens its own duplicate for the blocking fetch.
    worker = new Worker<CountJobData, StoredResult>(queueName, (job) => countJob(job, context), {
      connection: redis,
      prefix: QUEUE_DEFAULTS.prefix,
      name,
      concurrency,
      lockDuration,
      stalledInterval,
      maxStalledCount,
      ...(options.limiter === undefined ? {} : { limiter: { max: options.limiter.max, duration: options.limiter.durationMs } }),
    });
  } catch (error) {
    await cleanup();
    throw error;
  }
  worker.on('stalled', (id) => log(`job ${id} stalled (its worker stopped or lost Redis); it goes back to the queue`));
  worker.on('failed', (job, error) => {
    if (job === undefined) return;
    const attempts = job.opts.attempts ?? 1;
    const final = error.name === 'UnrecoverableError' || job.attemptsMade >= attempts;
    log(`${job.data.image}: ${error.message} (${final ? `failed after ${job.attemptsMade} of ${attempts} attempts` : `attempt ${job.attemptsMade} of ${attempts}; retrying`})`);
  });
  // Connection trouble is reported once by connectRedis's status lines; BullMQ repeats it per command.
  worker.on('error', (error) => {
    if (!/ECONNREFUSED|ECONNRESET|Connection is closed|EPIPE|ETIMEDOUT/.test(error.message)) log(`worker: ${error.message}`);
  });
  await worker.waitUntilReady();
  let closing: Promise<void> | undefined;
  return {
    name,
    ...(engine === undefined ? {} : { engine }),
    close() {
      closing ??= (async () => {
        try {
          await worker.close();
        } finally {
          await cleanup();
        }
      })();
      return closing;
    },
  };
}

/** A loaded model and the longest side its registry entry counts at. */
interface LoadedModel {
  counter: NodeCounter;
  maxSide?: number;
}

interface JobContext {
  redis: Redis;
  keys: QueueKeys;
  name: string;
  scratch: string;
  sink: ResultSink | undefined;
  log: (line: string) => void;
  modelFor: (weights: string | undefined, variant: NodeCounterOptions['variant']) => Promise<LoadedModel>;
  /** BullMQ's UnrecoverableError (no retry helps) with the reason `<CODE>: <message>`. */
  unrecoverable: (error: QueueError) => Error;
  /** `@crowd/count/node`'s, the code `crowd count` runs. */
  countFile: typeof countFile;
  defaultWeights: string | undefined;
  defaultVariant: NodeCounterOptions['variant'];
}

async function countJob(job: Job<CountJobData, StoredResult>, context: JobContext): Promise<StoredResult> {
  const { redis, keys, sink } = context;
  const id = job.id!;
  const data = job.data;
  const [existing] = await getResults(redis, keys, [id]);
  if (existing !== undefined) {
    // Counted before its worker died or lost the lock: the record stands, the bytes go.
    await redis.del(keys.image(id));
    await deliver(context);
    return existing;
  }
  const model = await (data.weights === undefined ? context.modelFor(context.defaultWeights, context.defaultVariant) : context.modelFor(data.weights, data.variant));
  const counter = model.counter;
  const bytes = await imageBytes(data, id, context);
  if (sha256(bytes) !== data.digest) {
    throw context.unrecoverable(new QueueError('IMAGE_CHANGED', `${data.image}: the file changed after it was queued (its bytes no longer hash to the job's digest); queue it again`));
  }
  const path = data.source.kind === 'path' ? data.source.path : join(context.scratch, `${id}.image`);
  if (data.source.kind === 'embedded') await writeFile(path, bytes);
  let result: StoredResult;
  try {
    const record = await context.countFile(counter, path, data.name, countFileOptions(data.options, model.maxSide));
    record.image = data.image;
    result = { id, record: recordToJson(record), engine: counter.engine, worker: context.name };
  } catch (error) {
    throw asJobError(error, path, data.image, context);
  } finally {
    if (data.source.kind === 'embedded') await rm(path, { force: true });
  }
  const stored = await commitResult(redis, keys, result, sink?.sinkId);
  await deliver(context);
  if (stored) return result;
  return (await getResults(redis, keys, [id]))[0] ?? result;
}

async function deliver(context: JobContext): Promise<void> {
  // The record is safe in Redis and stays owed to the file: a failed write is retried with the next job.
  await context.sink?.deliver().catch((error) => context.log(`cannot write ${context.sink?.file}: ${(error as Error).message}`));
}

async function imageBytes(data: CountJobData, id: string, context: JobContext): Promise<Uint8Array> {
  if (data.source.kind === 'embedded') {
    const bytes = await context.redis.getBuffer(context.keys.image(id));
    if (bytes === null) throw context.unrecoverable(new QueueError('IMAGE_UNREADABLE', `${data.image}: its bytes are no longer in Redis; queue it again`));
    return bytes;
  }
  try {
    return await readFile(data.source.path);
  } catch (error) {
    // Maybe a shared mount that is not there yet: an ordinary failure, retried with back-off.
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file on this worker (is the shared storage mounted at the same path?)' : (error as Error).message;
    throw new Error(failedReason(new QueueError('IMAGE_UNREADABLE', `${data.image}: cannot read ${data.source.path}: ${reason}`)));
  }
}

/** Decoding and size errors are the image's fault (no retry helps: BAD_IMAGE); anything else is retried. */
function asJobError(error: unknown, path: string, image: string, context: JobContext): Error {
  const { name, code, message } = error as { name?: string; code?: string; message?: string };
  const text = (message ?? String(error)).split(path).join(image);
  const badImage =
    ((name === 'DatasetError' || name === 'LimitExceededError') && (code === 'IMAGE_FORMAT' || code === 'LIMIT_EXCEEDED')) || (name === 'CountError' && code === 'INPUT_INVALID');
  if (badImage) return context.unrecoverable(new QueueError('BAD_IMAGE', text));
  return new Error(failedReason(text), { cause: error });
}
