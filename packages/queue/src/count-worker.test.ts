import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countFile, createCounter, type NodeCounter } from '@crowd/count/node';
import { fixture, startRedisServer, writeSmallImages, type TestRedis } from '@crowd/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openCountQueue, type CountQueue } from './count-queue.ts';
import { startCountWorker } from './count-worker.ts';
import { enqueueImages, type EnqueueItem, type EnqueueOutcome } from './enqueue.ts';
import { queueStatus } from './queue-status.ts';
import { sinkIdFor } from './result-sink.ts';
import { commitResult, readResults, recordToJson, type StoredResult } from './result-store.ts';
import { batchStart, watchBatch, type BatchProgress } from './watch-progress.ts';

const WEIGHTS = fixture('csrnet', 'zip', 'model_best.pth.tar');
/** Short locks so nothing in these tests waits long on BullMQ's timers. */
const FAST = { lockDurationMs: 2000, stalledIntervalMs: 1000 };
const tempDir = () => mkdtempSync(join(tmpdir(), 'crowd-queue-'));

let redis: TestRedis;
let queue: CountQueue;
let images: string[];
let reference: NodeCounter;
beforeAll(async () => {
  redis = await startRedisServer();
  images = await writeSmallImages(tempDir(), 12);
  reference = await createCounter({ weights: WEIGHTS });
}, 120_000);
afterAll(async () => {
  await reference?.dispose();
  await redis?.stop();
});

async function freshQueue(name: string): Promise<CountQueue> {
  await queue?.close();
  queue = await openCountQueue({ redis: redis.url, queue: name });
  return queue;
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const items = (paths: string[]): EnqueueItem[] => paths.map((path, i) => ({ path, name: `img-${i}` }));

async function untilDone(ids: string[], start: Awaited<ReturnType<typeof batchStart>>): Promise<BatchProgress> {
  let last: BatchProgress | undefined;
  for await (const progress of watchBatch(queue, ids, start, { intervalMs: 100 })) last = progress;
  return last!;
}

const idsOf = (outcomes: EnqueueOutcome[]) => outcomes.map((o) => ('id' in o ? o.id : expect.unreachable(o.error.message)));

describe('a worker counts queued images', () => {
  test('each image once, with the record countFile gives (counts equal to the last digit), in Redis and in its JSON-lines file', async () => {
    await freshQueue('parity');
    const sinkFile = join(tempDir(), 'results.jsonl');
    const start = await batchStart(queue);
    const outcomes = await all(enqueueImages(queue, items(images), { weights: WEIGHTS, count: { points: true } }));
    expect(outcomes.map((o) => ('status' in o ? o.status : o.error.message))).toEqual(images.map(() => 'added'));
    const ids = idsOf(outcomes);
    const worker = await startCountWorker({ redis: redis.url, queue: 'parity', results: sinkFile, concurrency: 2, ...FAST });
    const progress = await untilDone(ids, start);
    await worker.close();
    expect(progress).toMatchObject({ total: 12, counted: 12, failed: [], done: true });

    const stored = await all(readResults(queue));
    expect(stored.map((r) => r.id).sort()).toEqual([...ids].sort());
    const byImage = new Map(stored.map((r) => [r.record.image, r]));
    for (const [i, path] of images.entries()) {
      const expected = recordToJson(await countFile(reference, path, `img-${i}`, { points: true }));
      expect(byImage.get(path)?.record).toEqual(expected);
      expect(byImage.get(path)?.engine).toBe(reference.engine);
    }
    const lines = readFileSync(sinkFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id).sort()).toEqual([...ids].sort());
    const line = lines.find((l) => l.image === images[3]);
    expect(line).toMatchObject({ image: images[3], count: byImage.get(images[3])!.record.count, width: 160, height: 120, tiles: 1 });
    expect((await queueStatus(queue)).counted).toBe(12);
  });

  test('queued again (same bytes under another path too): counted once; bytes carried in Redis give the same record and are deleted after', async () => {
    await freshQueue('dedup');
    const dir = tempDir();
    const copy = join(dir, 'copy-of-0.jpg');
    copyFileSync(images[0], copy);
    const first = await all(enqueueImages(queue, items(images.slice(0, 4))));
    const again = await all(enqueueImages(queue, [...items(images.slice(0, 4)), { path: copy, name: 'copy' }]));
    expect(again.map((o) => ('status' in o ? o.status : o.error.code))).toEqual(['queued', 'queued', 'queued', 'queued', 'queued']);
    expect(idsOf(again)[4]).toBe(idsOf(first)[0]);
    expect(await queue.queue.getJobCountByTypes('waiting', 'prioritized')).toBe(4);

    const start = await batchStart(queue);
    const worker = await startCountWorker({ redis: redis.url, queue: 'dedup', weights: WEIGHTS, ...FAST });
    await untilDone(idsOf(first), start);
    const afterCount = await all(enqueueImages(queue, items(images.slice(0, 4))));
    expect(afterCount.map((o) => ('status' in o ? o.status : o.error.code))).toEqual(['counted', 'counted', 'counted', 'counted']);

    // Embedded: other options, so other jobs; the worker reads the bytes from Redis, not the file.
    const embedded = await all(enqueueImages(queue, [{ bytes: readFileSync(images[5]), name: 'five', image: 'five.jpg' }], { embed: true, count: { tileMargin: 0 } }));
    const [id] = idsOf(embedded);
    expect(await queue.redis.exists(queue.keys.image(id))).toBe(1);
    await untilDone([id], start);
    await worker.close();
    const [result] = (await all(readResults(queue))).filter((r) => r.id === id);
    const expected = recordToJson(await countFile(reference, images[5], 'five', { tileMargin: 0 }));
    expect(result.record).toEqual({ ...expected, image: 'five.jpg' });
    expect(await queue.redis.exists(queue.keys.image(id))).toBe(0);
    expect(await queue.redis.hlen(queue.keys.results)).toBe(5);
  });

  test('a corrupt image fails at once (BAD_IMAGE); a missing file fails after its retries (IMAGE_UNREADABLE); status lists both with reasons', async () => {
    await freshQueue('failures');
    const dir = tempDir();
    const corrupt = join(dir, 'corrupt.jpg');
    writeFileSync(corrupt, readFileSync(images[1]).subarray(0, 300));
    const doomed = join(dir, 'doomed.jpg');
    copyFileSync(images[2], doomed);
    const start = await batchStart(queue);
    const outcomes = await all(enqueueImages(queue, [...items([corrupt, doomed]), { path: join(dir, 'never-there.jpg'), name: 'x' }], { weights: WEIGHTS, attempts: 2 }));
    expect(outcomes[2]).toMatchObject({ error: { code: 'IMAGE_UNREADABLE', message: `${join(dir, 'never-there.jpg')}: cannot read the image to queue it (no such file)` } });
    // Gone after it was queued (hashed), before a worker reads it.
    rmSync(doomed);
    const worker = await startCountWorker({ redis: redis.url, queue: 'failures', ...FAST });
    const progress = await untilDone(idsOf(outcomes.slice(0, 2)), start);
    await worker.close();
    expect(progress.counted).toBe(0);
    const reasons = Object.fromEntries(progress.failed.map((f) => [f.image, f]));
    expect(reasons[corrupt]).toMatchObject({ attempts: 1, reason: expect.stringMatching(new RegExp(`^BAD_IMAGE: ${corrupt}: `)) });
    expect(reasons[doomed]).toMatchObject({
      attempts: 2,
      reason: `IMAGE_UNREADABLE: ${doomed}: cannot read ${doomed}: no such file on this worker (is the shared storage mounted at the same path?)`,
    });
    const status = await queueStatus(queue);
    expect(status).toMatchObject({ counted: 0, waiting: 0, active: 0, delayed: 0, failed: 2 });
    expect(status.failedJobs.map((f) => f.image).sort()).toEqual([corrupt, doomed].sort());
  });

  test('a job that runs again after its record was stored (its worker died before finishing it) is not recounted, and its line is written once', async () => {
    await freshQueue('rerun');
    const sinkFile = join(tempDir(), 'results.jsonl');
    const outcomes = await all(enqueueImages(queue, items(images.slice(0, 1)), { weights: WEIGHTS }));
    const [id] = idsOf(outcomes);
    // What a killed worker leaves behind: the record stored and owed to its file, the job still queued.
    const left: StoredResult = { id, record: { image: images[0], count: 42, width: 64, height: 64, tiles: 1 }, engine: 'earlier', worker: 'dead:1' };
    expect(await commitResult(queue.redis, queue.keys, left, sinkIdFor(sinkFile))).toBe(true);
    expect(await commitResult(queue.redis, queue.keys, { ...left, worker: 'second' }, sinkIdFor(sinkFile))).toBe(false);
    const start = await batchStart(queue);
    const worker = await startCountWorker({ redis: redis.url, queue: 'rerun', results: sinkFile, ...FAST });
    for (;;) {
      const counts = await queue.queue.getJobCounts('completed');
      if (counts.completed === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await worker.close();
    expect((await untilDone([id], start)).counted).toBe(1);
    const lines = readFileSync(sinkFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([{ id, image: images[0], count: 42, width: 64, height: 64, tiles: 1 }]);
    expect((await all(readResults(queue))).map((r) => r.worker)).toEqual(['dead:1']);
  });

  test('close() drains: the jobs it holds are finished and stored, the rest stay queued for other workers', async () => {
    await freshQueue('drain');
    const outcomes = await all(enqueueImages(queue, items(images), { weights: WEIGHTS }));
    const worker = await startCountWorker({ redis: redis.url, queue: 'drain', concurrency: 2, ...FAST });
    for (;;) {
      if ((await queue.redis.hlen(queue.keys.results)) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await worker.close();
    const status = await queueStatus(queue);
    expect(status.active).toBe(0);
    expect(status.counted).toBeGreaterThan(0);
    expect(status.counted + status.waiting).toBe(outcomes.length);
    expect(status.workers).toBe(0);
  });
});

afterAll(() => queue?.close());
