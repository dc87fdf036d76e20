import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCountQueue, type CountQueue } from '@crowd/queue';
import { fixture, startRedisServer, writeSmallImages, type TestRedis } from '@crowd/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { crowd } from '../../test/cli.ts';
import { startCrowd, type CrowdProcess } from '../../test/crowd-process.ts';

const WEIGHTS = fixture('csrnet', 'zip', 'model_best.pth.tar');
/** Locks of 2 s checked every second, so a killed worker's jobs come back within seconds (production: 30 s and 30 s). */
const FAST = ['--lock-duration', '2000', '--stalled-interval', '1000'];
const tempDir = () => mkdtempSync(join(tmpdir(), 'crowd-worker-cli-'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const lines = (text: string) => text.split('\n').filter((l) => l !== '');
const sortedRows = (text: string) => lines(text).sort();

let redis: TestRedis;
const running: CrowdProcess[] = [];
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await redis?.stop();
});

function worker(queue: string, name: string, dir: string, extra: string[] = []): CrowdProcess {
  const p = startCrowd(['worker', '--redis', redis.url, '--queue', queue, '--weights', WEIGHTS, '--name', name, '--results', join(dir, `${name}.jsonl`), ...FAST, ...extra]);
  running.push(p);
  return p;
}

async function stop(p: CrowdProcess): Promise<void> {
  p.child.kill('SIGTERM');
  expect(await p.exited).toEqual({ code: 0, signal: null });
  expect(p.stderr()).toMatch(/crowd worker: SIGTERM: finishing the images in hand, taking no new ones\ncrowd worker: stopped\n$/);
}

/** `{"id"…}` lines of the workers' files, parsed. */
const sinkLines = (dir: string, names: string[]) => names.flatMap((n) => lines(readFileSync(join(dir, `${n}.jsonl`), 'utf8')).map((l) => JSON.parse(l) as { id: string; image: string }));

describe('crowd worker', () => {
  test(
    '300 images through 2 workers: each counted exactly once, with the records crowd count prints (same counts to the last digit)',
    async () => {
      const dir = tempDir();
      const images = join(dir, 'images');
      await writeSmallImages(images, 300);
      const workers = [worker('parity', 'w1', dir), worker('parity', 'w2', dir)];
      for (const w of workers) await w.waitForStderr(/takes jobs from queue parity/);
      expect(workers[0].stderr()).toMatch(/^crowd worker: counting with onnxruntime-node \(cpu\)\ncrowd worker: w1 takes jobs from queue parity at redis:\/\/127\.0\.0\.1:\d+ \(concurrency 1\)\n$/);

      const add = await crowd(['queue', 'add', images, '--redis', redis.url, '--queue', 'parity', '--weights', WEIGHTS, '--wait']);
      expect(add.stderr).toBe('crowd queue add: 300 images: 300 added, 0 already queued, 0 already counted, 0 failed before and retried\ncrowd queue add: 300 of 300 counted, 0 failed\n');
      expect(add.code).toBe(0);

      const [json, count] = await Promise.all([
        crowd(['queue', 'results', '--redis', redis.url, '--queue', 'parity', '--json']),
        crowd(['count', images, '--weights', WEIGHTS, '--json']),
      ]);
      expect(count.code).toBe(0);
      expect(json.code).toBe(0);
      // Line for line the same text: the same formatRecord over the same numbers.
      expect(sortedRows(json.stdout)).toEqual(sortedRows(count.stdout));
      expect(sortedRows(json.stdout)).toHaveLength(300);

      // Each worker's file has what it counted; together, every image once, as in Redis.
      const sinks = sinkLines(dir, ['w1', 'w2']);
      expect(sinks).toHaveLength(300);
      expect(new Set(sinks.map((l) => l.id)).size).toBe(300);
      expect(new Set(sinks.map((l) => l.image)).size).toBe(300);
      for (const name of ['w1', 'w2']) expect(lines(readFileSync(join(dir, `${name}.jsonl`), 'utf8')).length).toBeGreaterThan(0);
      const byImage = new Map(lines(json.stdout).map((l) => [JSON.parse(l).image, l]));
      for (const { id, ...record } of sinks) expect(JSON.stringify(record)).toBe(byImage.get(record.image));

      await Promise.all(workers.map(stop));
    },
    240_000,
  );

  test(
    'a worker SIGKILLed mid-batch and Redis crashed and restarted mid-batch (AOF): every image still counted exactly once, in Redis and in the files',
    async () => {
      const dir = tempDir();
      const images = join(dir, 'images');
      await writeSmallImages(images, 120);
      let queue: CountQueue | undefined;
      try {
        queue = await openCountQueue({ redis: redis.url, queue: 'chaos', role: 'worker' });
        const counted = async () => queue!.redis.hlen(queue!.keys.results).catch(() => -1);
        // w1 holds four jobs at a time, so it is killed in the middle of some.
        const w1 = worker('chaos', 'w1', dir, ['--concurrency', '4']);
        const w2 = worker('chaos', 'w2', dir);
        for (const w of [w1, w2]) await w.waitForStderr(/takes jobs/);
        const add = await crowd(['queue', 'add', images, '--redis', redis.url, '--queue', 'chaos', '--weights', WEIGHTS]);
        expect(add.code).toBe(0);

        for (;;) {
          const active = await queue.queue.getActive();
          if ((await counted()) >= 20 && active.some((job) => job.processedBy === 'w1')) break;
          await sleep(10);
        }
        w1.child.kill('SIGKILL');
        expect(await w1.exited).toEqual({ code: null, signal: 'SIGKILL' });

        while ((await counted()) < 60) await sleep(50);
        await redis.crashAndRestart(500);
        // The killed machine comes back, on the same file: it writes the lines it owed before dying.
        const again = worker('chaos', 'w1', dir);
        await again.waitForStderr(/takes jobs/);

        while ((await counted()) < 120) await sleep(100);
        for (;;) {
          const counts = await queue.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
          expect(counts.failed).toBe(0);
          if (counts.completed === 120) break;
          await sleep(100);
        }
        await Promise.all([stop(again), stop(w2)]);
        // The killed worker's jobs were taken back from it (and counted once more, by the others).
        expect(`${w2.stderr()}${again.stderr()}`).toMatch(/crowd worker: job [0-9a-f]{32}-[0-9a-f]{16} stalled \(its worker stopped or lost Redis\); it goes back to the queue/);
        expect(w2.stderr()).toContain(`crowd worker: lost the connection to Redis at ${redis.url}; reconnecting\n`);
        expect(w2.stderr()).toContain(`crowd worker: reconnected to Redis at ${redis.url}\n`);

        expect(await queue.redis.hlen(queue.keys.results)).toBe(120);
        expect(await queue.redis.xlen(queue.keys.log)).toBe(120);
        const sinks = sinkLines(dir, ['w1', 'w2']);
        expect(sinks).toHaveLength(120);
        expect(new Set(sinks.map((l) => l.image)).size).toBe(120);
        const results = await crowd(['queue', 'results', '--redis', redis.url, '--queue', 'chaos', '--json']);
        expect(lines(results.stdout)).toHaveLength(120);
        expect(new Set(lines(results.stdout).map((l) => JSON.parse(l).image)).size).toBe(120);
      } finally {
        await queue?.close();
      }
    },
    240_000,
  );
});
