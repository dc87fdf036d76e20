import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort, fixture, startRedisServer, writeSmallImages, type TestRedis } from '@crowd/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { crowd } from '../../test/cli.ts';
import { startCrowd } from '../../test/crowd-process.ts';

const WEIGHTS = fixture('csrnet', 'zip', 'model_best.pth.tar');
const tempDir = () => mkdtempSync(join(tmpdir(), 'crowd-queue-cli-'));
const lines = (text: string) => text.split('\n').filter((l) => l !== '');

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

describe('crowd queue', () => {
  test('Redis not there: every command ends with one clear line naming the URL (exit 2) after --connect-timeout, never a hang', async () => {
    const port = await closedPort();
    const url = `redis://127.0.0.1:${port}`;
    // The socket error, unless the loaded machine had not even got it back within the second.
    const expected = new RegExp(`^crowd: cannot reach Redis at redis://127\\.0\\.0\\.1:${port} within 1 s \\((connect ECONNREFUSED 127\\.0\\.0\\.1:${port}|no answer)\\): is redis-server running there, and is the port open\\?\n$`);
    const runs = await Promise.all([
      crowd(['queue', 'status', '--redis', url, '--connect-timeout', '1']),
      crowd(['queue', 'add', fixture('csrnet', 'input_image.png'), '--redis', url, '--connect-timeout', '1']),
      crowd(['worker', '--redis', url, '--connect-timeout', '1', '--weights', WEIGHTS]),
    ]);
    for (const run of runs) expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(expected) });
    const noUrl = await crowd(['queue', 'status']);
    expect(noUrl.code).toBe(1);
    expect(noUrl.stderr).toContain("required option '--redis <url>' not specified");
  });

  test(
    'added twice (a folder, then a list of some of its images): queued once; status while waiting and after; a corrupt image listed with its reason; results in crowd count\'s formats',
    async () => {
      const dir = tempDir();
      const images = join(dir, 'images');
      const paths = await writeSmallImages(images, 4);
      const corrupt = join(images, 'zz-corrupt.jpg');
      writeFileSync(corrupt, readFileSync(paths[0]).subarray(0, 300));
      const list = join(dir, 'some.txt');
      writeFileSync(list, `# two of them again, relative to the list\nimages/img-001.jpg\n\nimages/img-003.jpg\n`);
      const q = ['--redis', redis.url, '--queue', 'cli'];

      const first = await crowd(['queue', 'add', images, ...q, '--weights', WEIGHTS, '--points', '--attempts', '2']);
      expect(first.stderr).toBe('crowd queue add: 5 images: 5 added, 0 already queued, 0 already counted, 0 failed before and retried\n');
      expect(first.code).toBe(0);
      const second = await crowd(['queue', 'add', list, ...q, '--weights', WEIGHTS, '--points', '--attempts', '2']);
      expect(second.stderr).toBe('crowd queue add: 2 images: 0 added, 2 already queued, 0 already counted, 0 failed before and retried\n');
      const waiting = JSON.parse((await crowd(['queue', 'status', ...q, '--json'])).stdout);
      expect(waiting).toEqual({ counted: 0, waiting: 5, active: 0, delayed: 0, failed: 0, workers: 0, failedJobs: [] });

      const worker = startCrowd(['worker', ...q, '--lock-duration', '2000', '--stalled-interval', '1000']);
      // Off a terminal, --watch prints a line per change and the status once nothing is pending.
      const watch = await crowd(['queue', 'status', ...q, '--watch']);
      worker.child.kill('SIGTERM');
      expect((await worker.exited).code).toBe(0);
      expect(watch.code).toBe(0);
      expect(lines(watch.stderr).at(-1)).toMatch(/^crowd queue status: 5 of 5 done \(1 failed\), 0 active, \d workers$/);
      expect(watch.stdout).toMatch(
        new RegExp(
          `^queue cli at ${redis.url}\\ncounted 4  records stored\\nwaiting 0  not yet taken\\nactive  0  being counted\\ndelayed 0  retrying after a back-off\\n` +
            `failed  1  failed after their retries\\nworkers [01]  connected\\nfailed jobs:\\n  ${corrupt}: BAD_IMAGE: ${corrupt}: .+ \\(after 1 attempt\\)\\n$`,
        ),
      );
      expect(worker.stderr()).toMatch(new RegExp(`crowd worker: ${corrupt}: BAD_IMAGE: ${corrupt}: .+ \\(failed after 1 of 2 attempts\\)`));

      const third = await crowd(['queue', 'add', images, ...q, '--weights', WEIGHTS, '--points', '--attempts', '2']);
      expect(third.stderr).toBe('crowd queue add: 5 images: 0 added, 0 already queued, 4 already counted, 1 failed before and retried\n');

      // crowd count's three formats; CSV's optional columns follow the records (here the points', from --points).
      const countArgs = ['count', ...paths, '--weights', WEIGHTS, '--points'];
      for (const format of [[], ['--json'], ['--csv']]) {
        const [stored, counted] = await Promise.all([crowd(['queue', 'results', ...q, ...format]), crowd([...countArgs, ...format])]);
        expect(stored.code).toBe(0);
        const body = (text: string) => (format[0] === '--csv' ? [lines(text)[0], ...lines(text).slice(1).sort()] : lines(text).sort());
        expect(body(stored.stdout)).toEqual(body(counted.stdout));
      }
    },
    180_000,
  );

  test('results --follow prints stored records, then new ones as they are stored, until interrupted', async () => {
    const dir = tempDir();
    const [path] = await writeSmallImages(dir, 1);
    const q = ['--redis', redis.url, '--queue', 'follow'];
    const follow = startCrowd(['queue', 'results', ...q, '--follow']);
    await crowd(['queue', 'add', path, ...q, '--weights', WEIGHTS]);
    const worker = startCrowd(['worker', ...q]);
    while (!follow.stdout().includes('\n')) await new Promise((resolve) => setTimeout(resolve, 50));
    follow.child.kill('SIGINT');
    worker.child.kill('SIGTERM');
    expect(await follow.exited).toEqual({ code: 0, signal: null });
    expect((await worker.exited).code).toBe(0);
    expect(follow.stdout()).toMatch(new RegExp(`^${path}\\t-?\\d+\\.\\d\\d\\n$`));
  });
});
