import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CountJobData } from './count-job.js';
import { QueueError } from './errors.js';
import { connectRedis, type RedisConnectOptions } from './redis-connection.js';
import type { StoredResult } from './result-store.js';

/** The queue's defaults; every process that shares a queue must agree on both. */
export const QUEUE_DEFAULTS = {
  /** BullMQ queue name. */
  name: 'count',
  /** Prefix of every Redis key, BullMQ's and ours: `crowd:count:…`. */
  prefix: 'crowd',
} as const;

export interface CountQueueOptions extends RedisConnectOptions {
  /** `redis://[user:password@]host:port[/db]`. */
  redis: string;
  /** @default QUEUE_DEFAULTS.name */
  queue?: string;
}

/**
 * The Redis keys this package keeps beside BullMQ's (`<prefix>:<queue>:wait`,
 * `:active`, `:<job id>` …). Job ids hold no `:` and are never these names,
 * so the two never collide.
 */
export interface QueueKeys {
  /** HASH job id → {@link StoredResult} JSON: the one record per job, whoever counted it. */
  results: string;
  /** STREAM of `{ id }`, one entry per new record, in the order they were made (`results --follow` reads it). */
  log: string;
  /** STRING: the bytes of an image queued with `embed`, deleted once its record is stored. */
  image(id: string): string;
  /** LIST of job ids whose records a worker's JSON-lines file still has to receive. */
  sink(sinkId: string): string;
}

export function queueKeys(name: string, prefix: string = QUEUE_DEFAULTS.prefix): QueueKeys {
  const base = `${prefix}:${name}`;
  return {
    results: `${base}:results`,
    log: `${base}:results-log`,
    image: (id) => `${base}:image:${id}`,
    sink: (sinkId) => `${base}:sink:${sinkId}`,
  };
}

/** An open counting queue: the BullMQ queue, our keys, and the connection both use. */
export interface CountQueue {
  /** The Redis URL, for messages (see `redactUrl`). */
  readonly url: string;
  readonly name: string;
  readonly prefix: string;
  readonly redis: Redis;
  readonly queue: Queue<CountJobData, StoredResult>;
  readonly keys: QueueKeys;
  /** The options it was opened with, so a worker or listener can open its own connections alike. */
  readonly connectOptions: RedisConnectOptions;
  /** Closes the BullMQ queue and the connection. */
  close(): Promise<void>;
}

export function checkQueueName(name: string): string {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) {
    throw new QueueError('INPUT_INVALID', `--queue: expected 1 to 100 letters, digits, '.', '_' or '-', got ${JSON.stringify(name)}`);
  }
  return name;
}

/** Connects to Redis (a clear error naming the URL if it cannot) and opens the queue. */
export async function openCountQueue(options: CountQueueOptions): Promise<CountQueue> {
  const name = checkQueueName(options.queue ?? QUEUE_DEFAULTS.name);
  const { redis: url, queue: _queue, ...connectOptions } = options;
  const redis = await connectRedis(url, connectOptions);
  // Loaded on first use, here and in the worker and the HTTP front: importing this package (its defaults) costs no BullMQ or Fastify.
  const { Queue } = await import('bullmq');
  const queue = new Queue<CountJobData, StoredResult>(name, { connection: redis, prefix: QUEUE_DEFAULTS.prefix });
  // A Queue re-emits its connection's errors; connectRedis already records them.
  queue.on('error', () => {});
  return {
    url,
    name,
    prefix: QUEUE_DEFAULTS.prefix,
    redis,
    queue,
    keys: queueKeys(name),
    connectOptions,
    async close() {
      await queue.close();
      await quitRedis(redis);
    },
  };
}

/** QUIT when Redis is there, else just drop the socket (never waits on a dead server). */
export async function quitRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    try {
      await redis.quit();
      return;
    } catch {
      // Fall through to disconnect.
    }
  }
  redis.disconnect();
}
