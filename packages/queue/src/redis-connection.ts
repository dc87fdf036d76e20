import type { Redis } from 'ioredis';
import { QueueError } from './errors.js';

/** How long a first connection may take, and how patient commands are afterwards. */
export const REDIS_CONNECT_DEFAULTS = {
  /** Give up on the first connection after this many milliseconds (a typo'd host or a firewall, never a hang). */
  connectTimeoutMs: 10_000,
  /** Longest wait between reconnection attempts after Redis went away, in milliseconds. */
  maxReconnectDelayMs: 2_000,
  /**
   * Reconnection attempts a command of a `client` connection waits through
   * before it fails (≈ 35 s of outage with the 2 s cap); `worker`
   * connections wait for as long as Redis is down.
   */
  clientCommandRetries: 20,
} as const;

export interface RedisConnectOptions {
  /**
   * `worker`: long-running (workers, the HTTP front, progress watchers):
   * commands wait through a Redis restart, as BullMQ's blocking connections
   * require (`maxRetriesPerRequest: null`). `client`: one-shot commands
   * (`queue add`, `status`, `results`): a command fails with a clear error
   * once Redis has been gone for about half a minute.
   * @default 'client'
   */
  role?: 'worker' | 'client';
  /** @default REDIS_CONNECT_DEFAULTS.connectTimeoutMs */
  connectTimeoutMs?: number;
  /** Told, in one line, when the connection is lost and when it is back (long-running processes log it). */
  onStatus?: (line: string) => void;
}

/** The URL with its password (if any) replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueError('INPUT_INVALID', `--redis: expected a URL such as redis://host:6379, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new QueueError('INPUT_INVALID', `--redis: expected a redis:// or rediss:// URL, got ${JSON.stringify(redactUrl(url))}`);
  }
}

/**
 * Opens an ioredis connection to `url` and resolves once Redis answers, or
 * rejects with `QueueError('REDIS_UNAVAILABLE')` naming the URL and the
 * last socket error when it does not within `connectTimeoutMs`. After that,
 * a lost connection is retried with capped exponential back-off (100 ms,
 * 200 ms, … 2 s), so a Redis restart is ridden out; see {@link RedisConnectOptions.role}
 * for how long a command waits meanwhile. The caller owns the connection:
 * `quit()` it when done (BullMQ never closes a connection it was given).
 */
export async function connectRedis(url: string, options: RedisConnectOptions = {}): Promise<Redis> {
  checkUrl(url);
  const role = options.role ?? 'client';
  const connectTimeoutMs = options.connectTimeoutMs ?? REDIS_CONNECT_DEFAULTS.connectTimeoutMs;
  if (!(connectTimeoutMs > 0)) throw new QueueError('INPUT_INVALID', `connectTimeoutMs: expected a positive number of milliseconds, got ${connectTimeoutMs}`);
  const where = redactUrl(url);
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    maxRetriesPerRequest: retriesFor(role),
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times - 1, 10), REDIS_CONNECT_DEFAULTS.maxReconnectDelayMs),
  });
  watchConnection(redis, where, options.onStatus);
  await waitReady(redis, where, connectTimeoutMs);
  return redis;
}

const retriesFor = (role: RedisConnectOptions['role']) => (role === 'worker' ? null : REDIS_CONNECT_DEFAULTS.clientCommandRetries);

/** A second connection to the same server, for `options.role` (a blocking read, such as BullMQ's event listener, needs its own). */
export async function duplicateRedis(redis: Redis, url: string, options: RedisConnectOptions = {}): Promise<Redis> {
  const copy = redis.duplicate({ lazyConnect: true, maxRetriesPerRequest: retriesFor(options.role ?? 'client') });
  const where = redactUrl(url);
  watchConnection(copy, where, options.onStatus);
  await waitReady(copy, where, options.connectTimeoutMs ?? REDIS_CONNECT_DEFAULTS.connectTimeoutMs);
  return copy;
}

/** The socket error behind the latest failure, for messages. */
const lastErrors = new WeakMap<Redis, Error>();

function watchConnection(redis: Redis, where: string, onStatus: ((line: string) => void) | undefined): void {
  let ready = false;
  let lost = false;
  // Without a listener ioredis prints every failed reconnection attempt.
  redis.on('error', (error: Error) => lastErrors.set(redis, error));
  redis.on('close', () => {
    // A first connection that fails is reported by waitReady, not as a loss.
    if (!ready || lost || redis.status === 'end') return;
    lost = true;
    onStatus?.(`lost the connection to Redis at ${where}; reconnecting`);
  });
  redis.on('ready', () => {
    ready = true;
    if (!lost) return;
    lost = false;
    onStatus?.(`reconnected to Redis at ${where}`);
  });
}

async function waitReady(redis: Redis, where: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const cause = lastErrors.get(redis);
      reject(
        new QueueError(
          'REDIS_UNAVAILABLE',
          `cannot reach Redis at ${where} within ${timeoutMs / 1000} s (${cause === undefined ? 'no answer' : cause.message}): is redis-server running there, and is the port open?`,
          { cause },
        ),
      );
    }, timeoutMs);
  });
  try {
    // connect() rejects on the first failed attempt; keep retrying (retryStrategy) until the deadline.
    redis.connect().catch(() => {});
    await Promise.race([new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve()))), deadline]);
  } catch (error) {
    redis.disconnect();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The error to show for a command that failed because Redis is gone: a
 * `QueueError('REDIS_UNAVAILABLE')` naming the URL; any other error as it is.
 */
export function redisFailure(error: unknown, url: string): unknown {
  if (error instanceof QueueError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'MaxRetriesPerRequestError' || /Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND/.test(message)) {
    return new QueueError('REDIS_UNAVAILABLE', `lost Redis at ${redactUrl(url)} (${message})`, { cause: error });
  }
  return error;
}
