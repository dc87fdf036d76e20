import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort, fixture, serveFiles, type FileServer } from '@crowd/test-utils';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ModelEntry } from '../models/model-registry.ts';
import { DEFAULT_MODEL_ID, findModel } from '../models/model-registry.ts';
import { ensureModel } from './ensure-model.ts';
import { cachedModelPath, checkCachedModel, modelCacheDir } from './model-cache.ts';

// The ÷8 fixture model in LWCC's container: 1 MB, as a server would hand out CSRNet_SHA.pth.
const WEIGHTS = new Uint8Array(readFileSync(fixture('csrnet', 'formats', 'lwcc.pth')));
const SHA256 = createHash('sha256').update(WEIGHTS).digest('hex');

let server: FileServer;
let cacheDir: string;
beforeEach(async () => {
  server = await serveFiles({ '/model.pth': WEIGHTS });
  cacheDir = join(mkdtempSync(join(tmpdir(), 'crowd-cache-')), 'models');
});
afterEach(() => server.close());

function entry(overrides: Partial<ModelEntry> = {}): ModelEntry {
  return { ...findModel(DEFAULT_MODEL_ID), id: 'test-model', fileName: 'model.pth', source: { kind: 'download', urls: [`${server.url}/model.pth`] }, ...overrides };
}

const filesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);
const record = (path: string) => JSON.parse(readFileSync(`${path}.json`, 'utf8'));
/** The byte a resume asked to start at (`Range: bytes=<n>-`). */
const resumedAt = (range: string | undefined) => Number(/^bytes=(\d+)-$/.exec(range ?? '')?.[1]);

describe('ensureModel against a local server', () => {
  test('downloads into <cache>/<id>/<file> with progress, records size and SHA-256, and leaves nothing else behind', async () => {
    const progress: Array<[number, number | undefined]> = [];
    const result = await ensureModel(entry(), { cacheDir, onProgress: (p) => progress.push([p.received, p.total]) });
    expect(result).toMatchObject({ status: 'downloaded', path: join(cacheDir, 'test-model', 'model.pth'), bytes: WEIGHTS.length, sha256: SHA256 });
    expect(readFileSync(result.path).equals(WEIGHTS)).toBe(true);
    expect(record(result.path)).toEqual({ id: 'test-model', fileName: 'model.pth', bytes: WEIGHTS.length, sha256: SHA256, url: `${server.url}/model.pth` });
    expect(filesIn(join(cacheDir, 'test-model'))).toEqual(['model.pth', 'model.pth.json']);
    expect(progress[0]).toEqual([0, WEIGHTS.length]);
    expect(progress.at(-1)).toEqual([WEIGHTS.length, WEIGHTS.length]);
    expect(progress.every(([r], i) => i === 0 || r >= progress[i - 1][0])).toBe(true);
  });

  test('never downloads what is cached and valid: the second call makes no request', async () => {
    await ensureModel(entry(), { cacheDir });
    expect(server.requests).toHaveLength(1);
    const again = await ensureModel(entry(), { cacheDir });
    expect(again).toMatchObject({ status: 'cached', sha256: SHA256 });
    expect(server.requests).toHaveLength(1);
    // Offline, a cached model is still there.
    expect((await ensureModel(entry(), { cacheDir, offline: true })).status).toBe('cached');
  });

  test('follows redirects (GitHub sends release assets to its object store)', async () => {
    server.behaviour.redirects = { '/releases/model.pth': '/storage/model.pth', '/storage/model.pth': '/model.pth' };
    const result = await ensureModel(entry({ source: { kind: 'download', urls: [`${server.url}/releases/model.pth`] } }), { cacheDir });
    expect(readFileSync(result.path).equals(WEIGHTS)).toBe(true);
    expect(server.requests.map((r) => [r.path, r.status])).toEqual([
      ['/releases/model.pth', 302],
      ['/storage/model.pth', 302],
      ['/model.pth', 200],
    ]);
  });

  test('a resume through redirects keeps its Range and If-Range to the file', async () => {
    server.behaviour.redirects = { '/releases/model.pth': '/model.pth' };
    server.behaviour.truncate = { path: '/model.pth', afterBytes: 300_000, times: 1 };
    const result = await ensureModel(entry({ source: { kind: 'download', urls: [`${server.url}/releases/model.pth`] } }), { cacheDir });
    expect(readFileSync(result.path).equals(WEIGHTS)).toBe(true);
    expect(server.requests.map((r) => [r.path, r.status])).toEqual([
      ['/releases/model.pth', 302],
      ['/model.pth', 200],
      ['/releases/model.pth', 302],
      ['/model.pth', 206],
    ]);
    expect(server.requests[3]).toMatchObject({ range: expect.stringMatching(/^bytes=\d+-$/), ifRange: expect.stringMatching(/^"/) });
  });

  test('a transfer cut short mid-body is resumed with a Range request in the same call', async () => {
    server.behaviour.truncate = { path: '/model.pth', afterBytes: 300_000, times: 1 };
    const result = await ensureModel(entry(), { cacheDir });
    expect(readFileSync(result.path).equals(WEIGHTS)).toBe(true);
    expect(server.requests.map((r) => r.status)).toEqual([200, 206]);
    // What arrived before the cut, up to the 300 000 bytes sent (fetch may drop the last chunks it had queued).
    expect(resumedAt(server.requests[1].range)).toBeGreaterThan(0);
    expect(resumedAt(server.requests[1].range)).toBeLessThanOrEqual(300_000);
  });

  test('resume after an interruption: a run that gave up leaves the part, the next run fetches only the rest (If-Range: the ETag)', async () => {
    server.behaviour.truncate = { path: '/model.pth', afterBytes: 400_000, times: 1 };
    const path = cachedModelPath(entry(), cacheDir);
    const error = await ensureModel(entry(), { cacheDir, attempts: 1 }).catch((e) => e);
    const kept = Number(/broke off after (\d+) of /.exec(error.message)?.[1]);
    expect(error.message).toBe(
      `could not download test-model (${server.url}/model.pth: the transfer broke off after ${kept} of ${WEIGHTS.length} bytes (other side closed)); download ${server.url}/model.pth by hand and save it as ${path}`,
    );
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(400_000);
    expect(existsSync(path)).toBe(false);
    expect(await checkCachedModel(entry(), path)).toEqual({ state: 'missing', path, partialBytes: kept });
    const result = await ensureModel(entry(), { cacheDir });
    expect(readFileSync(result.path).equals(WEIGHTS)).toBe(true);
    expect(server.requests[1]).toEqual({ path: '/model.pth', status: 206, range: `bytes=${kept}-`, ifRange: expect.stringMatching(/^"[0-9a-f]{16}"$/) });
    expect(filesIn(join(cacheDir, 'test-model'))).toEqual(['model.pth', 'model.pth.json']);
  });

  test('restarts cleanly when the server ignores the range, or the file changed since the part was fetched', async () => {
    server.behaviour.truncate = { path: '/model.pth', afterBytes: 200_000, times: 1 };
    await expect(ensureModel(entry(), { cacheDir, attempts: 1 })).rejects.toThrow('the transfer broke off after');
    server.behaviour.ignoreRange = true;
    const result = await ensureModel(entry(), { cacheDir });
    expect(readFileSync(result.path).equals(WEIGHTS)).toBe(true);
    expect(server.requests[1]).toMatchObject({ range: expect.stringMatching(/^bytes=\d+-$/), status: 200 });

    // A new version on the server: If-Range no longer matches, so the whole new file comes, not its tail on the old head.
    const other = join(cacheDir, '..', 'other');
    const changed = WEIGHTS.map((b, i) => (i < 1000 ? 0 : b));
    server.behaviour = { truncate: { path: '/model.pth', afterBytes: 500_000, times: 1 } };
    await expect(ensureModel(entry(), { cacheDir: other, attempts: 1 })).rejects.toThrow('the transfer broke off after');
    server.files.set('/model.pth', changed);
    const fresh = await ensureModel(entry(), { cacheDir: other });
    expect(readFileSync(fresh.path).equals(changed)).toBe(true);
    expect(server.requests.at(-1)).toMatchObject({ range: expect.stringMatching(/^bytes=\d+-$/), status: 200 });
  });

  test('a stalled transfer is abandoned after the idle timeout and resumed', async () => {
    server.behaviour.stall = { path: '/model.pth', afterBytes: 100_000, times: 1 };
    // The stall never ends, so any timeout ends it; 2 s leaves a loaded machine room between real chunks.
    const result = await ensureModel(entry(), { cacheDir, idleTimeout: 2000 });
    expect(readFileSync(result.path).equals(WEIGHTS)).toBe(true);
    expect(server.requests.map((r) => r.range)).toEqual([undefined, 'bytes=100000-']);
  });

  test('a wrong checksum is MODEL_CORRUPT; nothing is kept under the real name, and the part is gone', async () => {
    const bad = entry({ sha256: '0'.repeat(64) });
    const path = cachedModelPath(bad, cacheDir);
    await expect(ensureModel(bad, { cacheDir })).rejects.toThrow(
      expect.objectContaining({
        code: 'MODEL_CORRUPT',
        message: `could not download test-model (${server.url}/model.pth: its SHA-256 is ${SHA256}, the registry says ${'0'.repeat(64)}); download ${server.url}/model.pth by hand and save it as ${path}`,
      }),
    );
    expect(filesIn(join(cacheDir, 'test-model'))).toEqual([]);
  });

  test('a server file of another size than the registry says is refused before its body is read', async () => {
    await expect(ensureModel(entry({ bytes: 123 }), { cacheDir })).rejects.toThrow(
      expect.objectContaining({ code: 'MODEL_CORRUPT', message: expect.stringContaining(`: the server's file is ${WEIGHTS.length} bytes, expected 123)`) }),
    );
  });

  test('a 404 is MODEL_DOWNLOAD naming the URL and saying where to put the file; a 4xx is not retried', async () => {
    const missing = entry({ source: { kind: 'download', urls: [`${server.url}/missing.pth`] } });
    await expect(ensureModel(missing, { cacheDir })).rejects.toThrow(
      expect.objectContaining({
        code: 'MODEL_DOWNLOAD',
        message: `could not download test-model (${server.url}/missing.pth: HTTP 404 Not Found); download ${server.url}/missing.pth by hand and save it as ${cachedModelPath(missing, cacheDir)}`,
      }),
    );
    expect(server.requests).toHaveLength(1);
  });

  test('no server at all (a closed port) is MODEL_DOWNLOAD with the connection error and what to download by hand', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/model.pth`;
    const gone = entry({ source: { kind: 'download', urls: [url] } });
    await expect(ensureModel(gone, { cacheDir })).rejects.toThrow(
      `could not download test-model (${url}: cannot connect (connect ECONNREFUSED 127.0.0.1:${port})); download ${url} by hand and save it as ${cachedModelPath(gone, cacheDir)}`,
    );
  });

  test('a corrupt cached file is detected and downloaded again, or reported offline', async () => {
    const { path } = await ensureModel(entry(), { cacheDir });
    const flipped = Uint8Array.from(WEIGHTS);
    flipped[123_456] ^= 0xff;
    writeFileSync(path, flipped);
    const sha = createHash('sha256').update(flipped).digest('hex');
    await expect(ensureModel(entry(), { cacheDir, offline: true })).rejects.toThrow(
      expect.objectContaining({
        code: 'MODEL_CORRUPT',
        message: `the cached test-model is corrupt (its SHA-256 is ${sha}, its first download was ${SHA256}); offline, it cannot be downloaded: download ${server.url}/model.pth by hand and save it as ${path}`,
      }),
    );
    const warnings: string[] = [];
    const again = await ensureModel(entry(), { cacheDir, onWarning: (w) => warnings.push(w) });
    expect(again.status).toBe('downloaded');
    expect(readFileSync(path).equals(WEIGHTS)).toBe(true);
    expect(warnings).toEqual([`${path}: the cached test-model is corrupt (its SHA-256 is ${sha}, its first download was ${SHA256}); downloading it again`]);
    // A cut-off file is caught by its size, before hashing.
    writeFileSync(path, WEIGHTS.subarray(0, 1000));
    expect(await checkCachedModel(entry(), path)).toEqual({ state: 'corrupt', path, reason: `it is 1000 bytes, its first download was ${WEIGHTS.length}` });
  });

  test('offline with nothing cached is MODEL_MISSING saying what to download and where, without a request', async () => {
    const path = cachedModelPath(entry(), cacheDir);
    await expect(ensureModel(entry(), { cacheDir, offline: true })).rejects.toThrow(
      expect.objectContaining({
        code: 'MODEL_MISSING',
        message: `test-model is not in the cache; offline, it cannot be downloaded: download ${server.url}/model.pth by hand and save it as ${path}`,
      }),
    );
    expect(server.requests).toHaveLength(0);
  });

  test('a model fetched by hand: MODEL_MISSING with its page and path until it is saved there, then checked like a download', async () => {
    const manual = entry({ source: { kind: 'manual', page: 'https://drive.google.com/open?id=abc' } });
    const path = cachedModelPath(manual, cacheDir);
    await expect(ensureModel(manual, { cacheDir })).rejects.toThrow(
      `test-model cannot be downloaded by crowd (Google Drive asks a browser to confirm): download https://drive.google.com/open?id=abc by hand and save it as ${path} (or set CROWD_MODELS_MIRROR to a server holding model.pth)`,
    );
    mkdirSync(join(cacheDir, 'test-model'), { recursive: true });
    writeFileSync(path, WEIGHTS);
    expect(await ensureModel(manual, { cacheDir })).toMatchObject({ status: 'cached', sha256: SHA256 });
    expect(record(path)).toEqual({ id: 'test-model', fileName: 'model.pth', bytes: WEIGHTS.length, sha256: SHA256 });
    // With a mirror it downloads like any other.
    const mirrored = await ensureModel(manual, { cacheDir: join(cacheDir, '..', 'mirrored'), mirror: `${server.url}/` });
    expect(mirrored.status).toBe('downloaded');
  });

  test('CROWD_MODELS_MIRROR points every model at <mirror>/<fileName>', async () => {
    const elsewhere = entry({ source: { kind: 'download', urls: ['https://example.invalid/model.pth'] } });
    process.env.CROWD_MODELS_MIRROR = server.url;
    try {
      expect((await ensureModel(elsewhere, { cacheDir })).status).toBe('downloaded');
    } finally {
      delete process.env.CROWD_MODELS_MIRROR;
    }
    expect(server.requests.map((r) => r.path)).toEqual(['/model.pth']);
  });

  test('a lock held by a running process is MODEL_BUSY; one left by a dead process is taken over', async () => {
    const path = cachedModelPath(entry(), cacheDir);
    mkdirSync(join(cacheDir, 'test-model'), { recursive: true });
    writeFileSync(`${path}.lock`, String(process.pid));
    await expect(ensureModel(entry(), { cacheDir })).rejects.toThrow(
      expect.objectContaining({ code: 'MODEL_BUSY', message: `test-model is being downloaded by another process (pid ${process.pid}); wait for it to finish, or remove ${path}.lock if that process is not crowd` }),
    );
    // Beyond Linux's pid_max (2^22): no such process.
    writeFileSync(`${path}.lock`, '5000000');
    expect((await ensureModel(entry(), { cacheDir })).status).toBe('downloaded');
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});

describe('modelCacheDir', () => {
  test('CROWD_CACHE_DIR/models, else the user cache folder (XDG on Linux)', () => {
    expect(modelCacheDir({ CROWD_CACHE_DIR: '/srv/crowd' })).toBe('/srv/crowd/models');
    if (process.platform === 'linux') expect(modelCacheDir({})).toMatch(/\/crowd-nodejs\/models$/);
  });
});
