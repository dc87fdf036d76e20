import type { CountRecord, CountWarning } from '@crowd/count';
import type { Redis } from 'ioredis';
import type { CountQueue, QueueKeys } from './count-queue.js';
import { duplicateRedis } from './redis-connection.js';

/**
 * A {@link CountRecord} as JSON: points as a flat `[x0, y0, x1, y1, …]`
 * array at full precision; every other field as it is (so fields that
 * `countFile` adds later travel too).
 */
export type RecordJson = Omit<CountRecord, 'points' | 'warnings'> & { points?: number[]; warnings?: CountWarning[] };

/** One job's result as Redis keeps it (the results hash and each job's return value). */
export interface StoredResult {
  /** The job id. */
  id: string;
  record: RecordJson;
  /** What counted it, e.g. `onnxruntime-node (cpu)`: results are equal to the last digit on one engine only. */
  engine: string;
  /** The worker that counted it (`host:pid`). */
  worker: string;
}

export function recordToJson(record: CountRecord): RecordJson {
  const { points, warnings, ...rest } = record;
  const json: RecordJson = { ...rest };
  if (points !== undefined) json.points = Array.from(points);
  if (warnings !== undefined && warnings.length > 0) json.warnings = warnings.map((w) => ({ ...w }));
  return json;
}

/** Back to the record `formatRecord` prints (JSON numbers round-trip doubles exactly, so counts are unchanged). */
export function recordFromJson(json: RecordJson): CountRecord {
  const { points, warnings, ...rest } = json;
  const record: CountRecord = { ...rest, warnings: warnings ?? [] };
  if (points !== undefined) record.points = Float64Array.from(points);
  return record;
}

// One atomic step, so a job that runs twice (its worker died after counting,
// or lost its lock) still leaves exactly one record, one log entry and one
// line owed to one sink: the first writer wins and the image bytes go.
const COMMIT = `
local new = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
redis.call('DEL', KEYS[3])
if new == 1 then
  redis.call('XADD', KEYS[2], '*', 'id', ARGV[1])
  if ARGV[3] == '1' then redis.call('RPUSH', KEYS[4], ARGV[1]) end
end
return new`;

/**
 * Stores a job's result unless one is stored already. Returns true when this
 * call stored it; then the job's id is also appended to the results log
 * and, with `sinkId`, to that sink's list of lines to write.
 */
export async function commitResult(redis: Redis, keys: QueueKeys, result: StoredResult, sinkId?: string): Promise<boolean> {
  const sinkKey = keys.sink(sinkId ?? '-');
  const stored = await redis.eval(COMMIT, 4, keys.results, keys.log, keys.image(result.id), sinkKey, result.id, JSON.stringify(result), sinkId === undefined ? '0' : '1');
  return stored === 1;
}

/** The stored results of these job ids (undefined where none is stored yet), in order. */
export async function getResults(redis: Redis, keys: QueueKeys, ids: readonly string[]): Promise<(StoredResult | undefined)[]> {
  if (ids.length === 0) return [];
  const values = await redis.hmget(keys.results, ...ids);
  return values.map((v) => (v === null ? undefined : (JSON.parse(v) as StoredResult)));
}

/** The position after the newest results-log entry (`'0'` when empty): read from here to see only later results. */
export async function resultsCursor(redis: Redis, keys: QueueKeys): Promise<string> {
  const last = await redis.xrevrange(keys.log, '+', '-', 'COUNT', 1);
  return last.length === 0 ? '0' : last[0][0];
}

/** Results-log entries after `cursor`: their job ids and the cursor past them. */
export async function readLog(redis: Redis, keys: QueueKeys, cursor: string, count = 500): Promise<{ ids: string[]; cursor: string }> {
  const entries = await redis.xrange(keys.log, cursor === '0' ? '-' : `(${cursor}`, '+', 'COUNT', count);
  return { ids: entries.map(([, fields]) => logId(fields)), cursor: entries.length === 0 ? cursor : entries[entries.length - 1][0] };
}

function logId(fields: string[]): string {
  const at = fields.indexOf('id');
  return fields[at + 1];
}

export interface ReadResultsOptions {
  /** Keep waiting for new results after the stored ones (`crowd queue results --follow`). @default false */
  follow?: boolean;
  /** Stops a follow. */
  signal?: AbortSignal;
}

/**
 * Every stored result in the order it was made, then (with `follow`) each
 * new one as it is stored, until `signal` aborts. A follow blocks on its
 * own connection, so the queue's connection stays free.
 */
export async function* readResults(queue: CountQueue, options: ReadResultsOptions = {}): AsyncGenerator<StoredResult> {
  let cursor = '0';
  for (;;) {
    const page = await readLog(queue.redis, queue.keys, cursor);
    cursor = page.cursor;
    for (const result of await getResults(queue.redis, queue.keys, page.ids)) if (result !== undefined) yield result;
    if (page.ids.length === 0) break;
  }
  if (!options.follow) return;
  const blocking = await duplicateRedis(queue.redis, queue.url, { ...queue.connectOptions, role: 'worker' });
  const stop = () => blocking.disconnect();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    while (!options.signal?.aborted) {
      let reply;
      try {
        reply = await blocking.xread('COUNT', 500, 'BLOCK', 5000, 'STREAMS', queue.keys.log, cursor);
      } catch (error) {
        if (options.signal?.aborted) return;
        throw error;
      }
      if (reply === null) continue;
      const entries = reply[0][1];
      cursor = entries[entries.length - 1][0];
      for (const result of await getResults(queue.redis, queue.keys, entries.map(([, fields]) => logId(fields)))) if (result !== undefined) yield result;
    }
  } finally {
    options.signal?.removeEventListener('abort', stop);
    blocking.disconnect();
  }
}
