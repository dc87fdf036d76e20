import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, startRedisServer, writeSmallImages, type TestRedis } from '@crowd/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { crowd } from '../../test/cli.ts';
import { startCrowd } from '../../test/crowd-process.ts';

const WEIGHTS = fixture('csrnet', 'zip', 'model_best.pth.tar');

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

describe('crowd serve', () => {
  test('POST /count answers through the queue with the record crowd count --json prints; 413 over --body-limit; GET /health; SIGTERM stops it (exit 0)', async () => {
    const [image] = await writeSmallImages(mkdtempSync(join(tmpdir(), 'crowd-serve-cli-')), 1);
    const q = ['--redis', redis.url, '--queue', 'serve'];
    const worker = startCrowd(['worker', ...q, '--weights', WEIGHTS]);
    const serve = startCrowd(['serve', ...q, '--port', '0', '--body-limit', '0.01', '--timeout', '60']);
    try {
      const [, base] = await serve.waitForStderr(/crowd serve: listening on (http:\/\/127\.0\.0\.1:\d+) \(queue serve at redis:\/\/127\.0\.0\.1:\d+\)\n/);
      await worker.waitForStderr(/takes jobs/);

      const response = await fetch(`${base}/count`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: readFileSync(image) });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const body = await response.json();
      const count = await crowd(['count', image, '--weights', WEIGHTS, '--json']);
      expect({ ...body, image }).toEqual(JSON.parse(count.stdout));

      const big = await fetch(`${base}/count`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: Buffer.alloc(20_000) });
      expect(big.status).toBe(413);
      expect(await big.json()).toEqual({ error: { code: 'IMAGE_TOO_LARGE', message: 'the image is over the 10.2 KiB limit of this server (crowd serve --body-limit)' } });

      const health = await fetch(`${base}/health`);
      expect(await health.json()).toEqual({ status: 'ok', workers: 1, waiting: 0, active: 0 });
    } finally {
      serve.child.kill('SIGTERM');
      worker.child.kill('SIGTERM');
    }
    expect(await serve.exited).toEqual({ code: 0, signal: null });
    expect(serve.stderr()).toMatch(/crowd serve: SIGTERM: answering the requests in hand, then stopping\n$/);
    expect((await worker.exited).code).toBe(0);
  });
});
