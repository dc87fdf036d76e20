import { formatRecord } from '@crowd/count';
import type { QueueEvents } from 'bullmq';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { sha256, type CountJobData, type CountJobOptions } from './count-job.js';
import { quitRedis, type CountQueue } from './count-queue.js';
import { enqueueImages } from './enqueue.js';
import { QueueError, reasonCode, type QueueErrorCode } from './errors.js';
import { formatBytes } from './format-bytes.js';
import { IMAGE_MEDIA_TYPES, sniffImageType } from './image-type.js';
import { duplicateRedis } from './redis-connection.js';
import { getResults, recordFromJson, type StoredResult } from './result-store.js';
import { modelIdentity } from './model-identity.js';

/** Defaults of {@link CountServerOptions}. */
export const HTTP_FRONT_DEFAULTS = {
  /** Largest request body (the image), in bytes: 10 MiB. Larger ones get 413. */
  bodyLimitBytes: 10 * 1024 * 1024,
  /** How long a request waits for a worker to count its image, in milliseconds; then 504. */
  timeoutMs: 60_000,
  /** Uploads carry no priority, so BullMQ serves them before batch jobs (prioritised; see ENQUEUE_DEFAULTS). */
  priority: 0,
} as const;

export interface CountServerOptions {
  /** An open queue; the server opens its own listener connection beside it and leaves the queue open on close. */
  queue: CountQueue;
  /** The model: a path the workers can read, or a registry id (see `enqueueImages`). @default the workers' own model */
  weights?: string;
  variant?: CountJobData['variant'];
  /** The `crowd count` options every upload is counted with. */
  count?: CountJobOptions;
  /** @default HTTP_FRONT_DEFAULTS.bodyLimitBytes */
  bodyLimitBytes?: number;
  /** @default HTTP_FRONT_DEFAULTS.timeoutMs */
  timeoutMs?: number;
  /** @default HTTP_FRONT_DEFAULTS.priority */
  priority?: number;
}

/** What an error response holds: `{ "error": { "code": …, "message": … } }`. */
export interface HttpErrorBody {
  error: { code: QueueErrorCode | 'NOT_FOUND' | 'INTERNAL'; message: string };
}

export interface CountServer {
  readonly app: FastifyInstance;
  /** Stops taking requests, then closes the listener connection (not the queue). */
  close(): Promise<void>;
}

const STATUS: Partial<Record<QueueErrorCode, number>> = {
  BAD_IMAGE: 400,
  INPUT_INVALID: 400,
  IMAGE_TOO_LARGE: 413,
  TIMEOUT: 504,
  REDIS_UNAVAILABLE: 503,
};

function sendError(reply: FastifyReply, status: number, code: HttpErrorBody['error']['code'], message: string) {
  return reply.code(status).type('application/json').send({ error: { code, message } } satisfies HttpErrorBody);
}

/**
 * The HTTP front (Fastify), not yet listening (`server.app.listen(...)`):
 *
 * - `POST /count` with a raw `image/jpeg`, `image/png` or `image/webp`
 *   body: queues the image (bytes carried in Redis), waits for a worker to
 *   count it and answers 200 with the record `crowd count --json` prints
 *   (header `x-crowd-job-id`). The same image again is answered from the
 *   stored record. Errors are JSON ({@link HttpErrorBody}): 400 BAD_IMAGE
 *   (not a picture, or one the counter cannot decode), 413 IMAGE_TOO_LARGE
 *   (over `bodyLimitBytes`), 415 INPUT_INVALID (another media type), 504
 *   TIMEOUT (no worker finished in `timeoutMs`; the job stays queued), 503
 *   REDIS_UNAVAILABLE.
 * - `GET /health`: 200 `{ status: 'ok', workers, waiting, active }` when
 *   Redis answers, else 503.
 */
export async function createCountServer(options: CountServerOptions): Promise<CountServer> {
  const { queue } = options;
  const bodyLimit = options.bodyLimitBytes ?? HTTP_FRONT_DEFAULTS.bodyLimitBytes;
  const timeoutMs = options.timeoutMs ?? HTTP_FRONT_DEFAULTS.timeoutMs;
  if (!(Number.isInteger(bodyLimit) && bodyLimit > 0)) throw new QueueError('INPUT_INVALID', `--body-limit: expected a positive number of bytes, got ${bodyLimit}`);
  if (!(timeoutMs > 0)) throw new QueueError('INPUT_INVALID', `--timeout: expected a positive time, got ${timeoutMs} ms`);
  const model = options.weights === undefined ? undefined : await modelIdentity(options.weights);
  const [{ QueueEvents }, { default: Fastify }] = await Promise.all([import('bullmq'), import('fastify')]);
  const listener: Redis = await duplicateRedis(queue.redis, queue.url, { ...queue.connectOptions, role: 'worker' });
  const events = new QueueEvents(queue.name, { connection: listener, prefix: queue.prefix });
  events.on('error', () => {});
  await events.waitUntilReady();

  const app = Fastify({ logger: false, bodyLimit });
  app.addContentTypeParser([...IMAGE_MEDIA_TYPES], { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(reply, 413, 'IMAGE_TOO_LARGE', `the image is over the ${formatBytes(bodyLimit)} limit of this server (crowd serve --body-limit)`);
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendError(reply, 415, 'INPUT_INVALID', `send the picture itself as the body, with Content-Type ${IMAGE_MEDIA_TYPES.join(', ')}`);
    }
    if (error instanceof QueueError) return sendError(reply, STATUS[error.code] ?? 500, error.code, error.message);
    const status = error.statusCode ?? 500;
    return sendError(reply, status, status < 500 ? 'INPUT_INVALID' : 'INTERNAL', error.message);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'NOT_FOUND', `no route ${request.method} ${request.url}: POST /count with an image, or GET /health`));

  app.get('/health', async (_request, reply) => {
    try {
      const ping = queue.redis.ping();
      const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2000).unref());
      await Promise.race([ping, deadline]);
      const [counts, workers] = await Promise.all([queue.queue.getJobCounts('waiting', 'prioritized', 'active'), queue.queue.getWorkersCount()]);
      return { status: 'ok', workers, waiting: counts.waiting + counts.prioritized, active: counts.active };
    } catch (error) {
      return sendError(reply, 503, 'REDIS_UNAVAILABLE', `Redis does not answer: ${(error as Error).message}`);
    }
  });

  app.post('/count', async (request, reply) => {
    const bytes = request.body as Buffer;
    const declared = String(request.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    const found = sniffImageType(bytes);
    if (found !== declared) {
      const what = bytes.length === 0 ? 'the body is empty' : found === undefined ? 'its first bytes are not a JPEG, PNG or WebP signature' : `its bytes are ${found}`;
      throw new QueueError('BAD_IMAGE', `the body was sent as ${declared} but ${what}`);
    }
    const short = sha256(bytes).slice(0, 12);
    const name = `upload-${short}`;
    const outcome = await first(
      enqueueImages(queue, [{ bytes, name, image: `${name}.${found.slice('image/'.length).replace('jpeg', 'jpg')}` }], {
        weights: model,
        variant: options.variant,
        count: options.count,
        embed: true,
        embedLimitBytes: bodyLimit,
        priority: options.priority ?? HTTP_FRONT_DEFAULTS.priority,
      }),
    );
    if ('error' in outcome) throw outcome.error;
    const result = await waitForResult(queue, events, outcome.id, timeoutMs);
    const fields = { points: false, heatmap: false, density: false };
    return reply.header('x-crowd-job-id', result.id).type('application/json').send(formatRecord(recordFromJson(result.record), 'json', fields));
  });

  return {
    app,
    async close() {
      await app.close();
      await events.close();
      await quitRedis(listener);
    },
  };
}

async function first<T>(items: AsyncGenerator<T>): Promise<T> {
  const { value, done } = await items.next();
  await items.return(undefined);
  if (done) throw new Error('enqueueImages yielded nothing');
  return value;
}

/** The job's stored record, waiting for its worker up to `timeoutMs`. */
async function waitForResult(queue: CountQueue, events: QueueEvents, id: string, timeoutMs: number): Promise<StoredResult> {
  const stored = async () => (await getResults(queue.redis, queue.keys, [id]))[0];
  const ready = await stored();
  if (ready !== undefined) return ready;
  const job = await queue.queue.getJob(id);
  if (job === undefined) {
    // Finished and removed between the two reads.
    const late = await stored();
    if (late !== undefined) return late;
    throw new QueueError('JOB_FAILED', `job ${id} vanished before it finished`);
  }
  let timer: NodeJS.Timeout | undefined;
  let poller: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  // BullMQ's own wait outlives ours slightly, so its listener is always removed.
  const finished = job.waitUntilFinished(events, timeoutMs + 1000).then(
    (value) => ({ value }),
    (error: Error) => ({ error }),
  );
  // Events published while the listener was reconnecting (a Redis restart) are not replayed: look at the record too.
  const polled = new Promise<{ value: StoredResult }>((resolve) => {
    poller = setInterval(() => {
      stored().then((value) => value !== undefined && resolve({ value }), () => {});
    }, 1000);
  });
  try {
    const outcome = await Promise.race([finished, polled, timeout]);
    if (outcome === 'timeout') {
      const workers = await queue.queue.getWorkersCount();
      throw new QueueError(
        'TIMEOUT',
        `no worker counted the image within ${timeoutMs / 1000} s (${workers} worker${workers === 1 ? '' : 's'} connected); it stays queued as job ${id}: send it again later for its record`,
      );
    }
    if ('value' in outcome) return (await stored()) ?? outcome.value;
    // A job found failed is final; one that "vanished" (removed on completion) has its record stored.
    const late = await stored();
    if (late !== undefined) return late;
    const reason = outcome.error.message;
    const code = reasonCode(reason);
    const message = code === undefined ? reason : reason.slice(code.length + 2);
    throw new QueueError(code === 'BAD_IMAGE' || code === 'IMAGE_TOO_LARGE' ? code : 'JOB_FAILED', message);
  } finally {
    clearTimeout(timer);
    clearInterval(poller);
  }
}
