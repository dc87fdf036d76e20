import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer, type TestRedis } from '@crowd/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openCountQueue, type CountQueue } from './count-queue.ts';
import { openResultSink, sinkIdFor, sinkLine } from './result-sink.ts';
import { commitResult, type StoredResult } from './result-store.ts';

let redis: TestRedis;
let queue: CountQueue;
beforeAll(async () => {
  redis = await startRedisServer();
  queue = await openCountQueue({ redis: redis.url, queue: 'sink' });
});
afterAll(async () => {
  await queue?.close();
  await redis?.stop();
});

const result = (n: number): StoredResult => ({
  id: `${String(n).padStart(32, '0')}-aaaaaaaaaaaaaaaa`,
  record: { image: `/photos/été-${n}.jpg`, count: n + 0.123456789012345, width: 64, height: 48, tiles: 1, points: [1.234, 5.678] },
  engine: 'test',
  worker: 'w',
});
const file = () => join(mkdtempSync(join(tmpdir(), 'crowd-sink-')), 'out', 'results.jsonl');
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').slice(0, -1);

describe('openResultSink', () => {
  test('a line per stored record, `{"id"…}` then the crowd count --json fields; a record stored twice is owed once', async () => {
    const path = file();
    const sink = await openResultSink(queue.redis, queue.keys, path);
    expect(await commitResult(queue.redis, queue.keys, result(1), sink.sinkId)).toBe(true);
    expect(await commitResult(queue.redis, queue.keys, result(1), sink.sinkId)).toBe(false);
    await commitResult(queue.redis, queue.keys, result(2), sink.sinkId);
    await Promise.all([sink.deliver(), sink.deliver()]);
    await sink.close();
    expect(lines(path)).toEqual([
      `{"id":"${result(1).id}","image":"/photos/été-1.jpg","count":1.123456789012345,"width":64,"height":48,"tiles":1,"points":[[1.23,5.68]]}`,
      `{"id":"${result(2).id}","image":"/photos/été-2.jpg","count":2.123456789012345,"width":64,"height":48,"tiles":1,"points":[[1.23,5.68]]}`,
    ]);
    expect(await queue.redis.llen(queue.keys.sink(sink.sinkId))).toBe(0);
  });

  test('after a SIGKILL: a torn last line is cut, lines written but still owed are not written again, the rest are', async () => {
    const path = file();
    const first = await openResultSink(queue.redis, queue.keys, path);
    await commitResult(queue.redis, queue.keys, result(10), first.sinkId);
    await first.close();
    // The killed worker: stored 11, 12, 13; wrote 11 and 12 but died before trimming its list, mid-way through a line.
    for (const n of [11, 12, 13]) await commitResult(queue.redis, queue.keys, result(n), sinkIdFor(path));
    appendFileSync(path, sinkLine(result(11)) + sinkLine(result(12)));
    appendFileSync(path, Buffer.from(sinkLine(result(13))).subarray(0, 60));
    writeFileSync(`${path}.lock`, '999999999\n');
    const again = await openResultSink(queue.redis, queue.keys, path);
    await again.deliver();
    await again.close();
    expect(lines(path).map((l) => JSON.parse(l).id)).toEqual([10, 11, 12, 13].map((n) => result(n).id));
  });

  test('two live workers on one machine cannot share a file', async () => {
    const path = file();
    const sink = await openResultSink(queue.redis, queue.keys, path);
    await expect(openResultSink(queue.redis, queue.keys, path)).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      message: `--results ${path}: another worker (pid ${process.pid}) on this machine writes this file; give each worker its own file (if none runs, delete ${path}.lock)`,
    });
    await sink.close();
  });
});
