import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatRecord } from '@crowd/count';
import { countFile, createCounter } from '@crowd/count/node';
import { fixture, startRedisServer, writeSmallImages, type TestRedis } from '@crowd/test-utils';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openCountQueue, type CountQueue } from './count-queue.ts';
import { startCountWorker, type CountWorker } from './count-worker.ts';
import { createCountServer, type CountServer } from './http-front.ts';

const WEIGHTS = fixture('csrnet', 'zip', 'model_best.pth.tar');
const FIELDS = { points: false, heatmap: false, density: false };

let redis: TestRedis;
let queue: CountQueue;
let server: CountServer;
let images: string[];
beforeAll(async () => {
  redis = await startRedisServer();
  images = await writeSmallImages(mkdtempSync(join(tmpdir(), 'crowd-http-')), 3);
  queue = await openCountQueue({ redis: redis.url, queue: 'http' });
  server = await createCountServer({ queue, weights: WEIGHTS, bodyLimitBytes: 64 * 1024, timeoutMs: 1500 });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await queue?.close();
  await redis?.stop();
});

const post = (body: Buffer, type = 'image/jpeg') => server.app.inject({ method: 'POST', url: '/count', headers: { 'content-type': type }, body });

describe('the HTTP front', () => {
  test('no worker: GET /health says so, POST /count times out with 504 TIMEOUT naming the job; the job stays queued', async () => {
    const health = await server.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', workers: 0, waiting: 0, active: 0 });
    const response = await post(readFileSync(images[0]));
    expect(response.statusCode).toBe(504);
    const { error } = response.json();
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toMatch(/^no worker counted the image within 1\.5 s \(0 workers connected\); it stays queued as job [0-9a-f]{32}-[0-9a-f]{16}: send it again later for its record$/);
    expect((await server.app.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({ waiting: 1 });
  });

  describe('with a worker', () => {
    let worker: CountWorker;
    beforeAll(async () => {
      worker = await startCountWorker({ redis: redis.url, queue: 'http', lockDurationMs: 2000, stalledIntervalMs: 1000 });
    }, 60_000);
    afterAll(() => worker?.close());

    test('POST /count answers with the record crowd count --json prints for the file; JPEG, PNG and WebP', async () => {
      const counter = await createCounter({ weights: WEIGHTS });
      try {
        for (const [format, type] of [
          ['jpeg', 'image/jpeg'],
          ['png', 'image/png'],
          ['webp', 'image/webp'],
        ] as const) {
          const dir = mkdtempSync(join(tmpdir(), 'crowd-http-'));
          const path = join(dir, `photo.${format}`);
          await sharp(images[1]).toFormat(format).toFile(path);
          const bytes = readFileSync(path);
          const response = await post(bytes, type);
          expect(response.statusCode).toBe(200);
          expect(response.headers['x-crowd-job-id']).toMatch(/^[0-9a-f]{32}-[0-9a-f]{16}$/);
          const expected = JSON.parse(formatRecord(await countFile(counter, path, 'photo'), 'json', FIELDS));
          const body = response.json();
          expect(body.image).toMatch(new RegExp(`^upload-[0-9a-f]{12}\\.${format === 'jpeg' ? 'jpg' : format}$`));
          expect({ ...body, image: path }).toEqual(expected);
          // Asked again: answered from the stored record, same job.
          const again = await post(bytes, type);
          expect(again.json()).toEqual(body);
          expect(again.headers['x-crowd-job-id']).toBe(response.headers['x-crowd-job-id']);
        }
      } finally {
        await counter.dispose();
      }
    });

    test('the upload that timed out earlier has been counted since: its record comes back at once', async () => {
      const response = await post(readFileSync(images[0]));
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ width: 64, height: 64, tiles: 1 });
    });

    test('typed JSON errors: 400 for bytes that are not the declared picture or do not decode, 413 over the body limit, 415 other types, 404 other routes', async () => {
      const notImage = await post(Buffer.from('hello, not a picture'));
      expect(notImage.statusCode).toBe(400);
      expect(notImage.json()).toEqual({ error: { code: 'BAD_IMAGE', message: 'the body was sent as image/jpeg but its first bytes are not a JPEG, PNG or WebP signature' } });
      const mislabelled = await post(await sharp(images[0]).png().toBuffer(), 'image/jpeg');
      expect(mislabelled.json().error).toEqual({ code: 'BAD_IMAGE', message: 'the body was sent as image/jpeg but its bytes are image/png' });
      const empty = await post(Buffer.alloc(0));
      expect(empty.json().error.message).toBe('the body was sent as image/jpeg but the body is empty');

      // A JPEG signature, then garbage: found out by the worker's decoder.
      const truncated = await post(readFileSync(images[2]).subarray(0, 200));
      expect(truncated.statusCode).toBe(400);
      expect(truncated.json().error.code).toBe('BAD_IMAGE');
      expect(truncated.json().error.message).toMatch(/^upload-[0-9a-f]{12}\.jpg: /);

      const tooBig = await post(Buffer.concat([readFileSync(images[0]), Buffer.alloc(65 * 1024)]));
      expect(tooBig.statusCode).toBe(413);
      expect(tooBig.json()).toEqual({ error: { code: 'IMAGE_TOO_LARGE', message: 'the image is over the 64.0 KiB limit of this server (crowd serve --body-limit)' } });
      const gif = await post(Buffer.from('GIF89a'), 'image/gif');
      expect(gif.statusCode).toBe(415);
      expect(gif.json().error).toEqual({ code: 'INPUT_INVALID', message: 'send the picture itself as the body, with Content-Type image/jpeg, image/png, image/webp' });
      const missing = await server.app.inject({ method: 'GET', url: '/nothing' });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('NOT_FOUND');
    });
  });
});
