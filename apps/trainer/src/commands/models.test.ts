import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fixture, serveFiles, type FileServer } from '@crowd/test-utils';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { crowd } from '../../test/cli.ts';
import { downloadReporting } from './models.ts';

const WEIGHTS = readFileSync(fixture('csrnet', 'formats', 'lwcc.pth'));
const SHA256 = createHash('sha256').update(WEIGHTS).digest('hex');

let server: FileServer;
let env: Record<string, string>;
beforeEach(async () => {
  server = await serveFiles({ '/CSRNet_SHA.pth': new Uint8Array(WEIGHTS) });
  env = { CROWD_MODELS_MIRROR: server.url, CROWD_CACHE_DIR: mkdtempSync(join(tmpdir(), 'crowd-models-cli-')) };
});
afterEach(() => server.close());

const cached = (id: string, file: string) => join(env.CROWD_CACHE_DIR, 'models', id, file);

// Up to five CLI runs a test, each a new Node process.
describe('crowd models', { timeout: 180_000 }, () => {
  test('list: a table of every registry model and whether it is cached; --json the entries with path and state', async () => {
    const table = await crowd(['models', 'list'], { env });
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')).toEqual([
      'id                    trained on           reported MAE  source                  cached',
      'csrnet-sha-lwcc       ShanghaiTech Part A  75.44         download                no',
      'csrnet-shb-lwcc       ShanghaiTech Part B  11.27         download                no',
      'csrnet-sha-reference  ShanghaiTech Part A  66.4          by hand (Google Drive)  no',
      'csrnet-shb-reference  ShanghaiTech Part B  10.6          by hand (Google Drive)  no',
      '',
    ]);
    await crowd(['models', 'pull', 'csrnet-sha-lwcc'], { env });
    const json = JSON.parse((await crowd(['models', 'list', '--json'], { env })).stdout);
    expect(json.map((m: { id: string; cached: string }) => [m.id, m.cached])).toEqual([
      ['csrnet-sha-lwcc', 'verified'],
      ['csrnet-shb-lwcc', 'missing'],
      ['csrnet-sha-reference', 'missing'],
      ['csrnet-shb-reference', 'missing'],
    ]);
    expect(json[0]).toMatchObject({ fileName: 'CSRNet_SHA.pth', path: cached('csrnet-sha-lwcc', 'CSRNet_SHA.pth'), preprocessing: { maxSide: 1000 } });
  });

  test('pull: downloads into the cache once (the path on stdout), then says it is cached', async () => {
    const path = cached('csrnet-sha-lwcc', 'CSRNet_SHA.pth');
    const first = await crowd(['models', 'pull', 'csrnet-sha-lwcc'], { env });
    expect([first.code, first.stdout, first.stderr]).toEqual([0, `${path}\n`, `crowd models pull: downloading ${server.url}/CSRNet_SHA.pth (1.0 MB)\n`]);
    expect(readFileSync(path).equals(WEIGHTS)).toBe(true);
    const again = await crowd(['models', 'pull', 'csrnet-sha-lwcc'], { env });
    expect([again.stdout, again.stderr]).toEqual([`${path}\n`, 'crowd models pull: csrnet-sha-lwcc is cached and verified\n']);
    expect(server.requests).toHaveLength(1);
  });

  test('path: where the model is or would be on stdout; on stderr whether it is there and verified, or corrupt (exit code 1)', async () => {
    const path = cached('csrnet-sha-lwcc', 'CSRNet_SHA.pth');
    const before = await crowd(['models', 'path', 'csrnet-sha-lwcc'], { env });
    expect([before.code, before.stdout, before.stderr]).toEqual([
      0,
      `${path}\n`,
      'crowd models path: csrnet-sha-lwcc: not downloaded: crowd models pull csrnet-sha-lwcc or the first crowd count downloads it\n',
    ]);
    await crowd(['models', 'pull', 'csrnet-sha-lwcc'], { env });
    const after = await crowd(['models', 'path', 'csrnet-sha-lwcc'], { env });
    expect(after.stderr).toBe(`crowd models path: csrnet-sha-lwcc: cached, verified (1.0 MB, sha256 ${SHA256})\n`);
    expect(JSON.parse((await crowd(['models', 'path', 'csrnet-sha-lwcc', '--json'], { env })).stdout)).toEqual({
      id: 'csrnet-sha-lwcc',
      state: 'verified',
      path,
      bytes: WEIGHTS.length,
      sha256: SHA256,
      url: `${server.url}/CSRNet_SHA.pth`,
    });
    writeFileSync(path, WEIGHTS.subarray(0, 100));
    const corrupt = await crowd(['models', 'path', 'csrnet-sha-lwcc'], { env });
    expect([corrupt.code, corrupt.stderr]).toEqual([
      1,
      `crowd models path: csrnet-sha-lwcc: cached but corrupt (it is 100 bytes, its first download was ${WEIGHTS.length}): crowd models pull csrnet-sha-lwcc downloads it again\n`,
    ]);
  });

  test("a hand-fetched model: pull says where to get it and where to save it; saved there, it is found and verified", async () => {
    const noMirror = { CROWD_CACHE_DIR: env.CROWD_CACHE_DIR, CROWD_MODELS_MIRROR: undefined };
    const path = cached('csrnet-sha-reference', 'PartAmodel_best.pth.tar');
    const pull = await crowd(['models', 'pull', 'csrnet-sha-reference'], { env: noMirror });
    expect([pull.code, pull.stderr]).toEqual([
      2,
      `crowd: csrnet-sha-reference cannot be downloaded by crowd (Google Drive asks a browser to confirm): download https://drive.google.com/open?id=1Z-atzS5Y2pOd-nEWqZRVBDMYJDreGWHH by hand and save it as ${path} (or set CROWD_MODELS_MIRROR to a server holding PartAmodel_best.pth.tar)\n`,
    ]);
    const where = await crowd(['models', 'path', 'csrnet-sha-reference'], { env: noMirror });
    expect(where.stderr).toBe(
      'crowd models path: csrnet-sha-reference: not downloaded: download https://drive.google.com/open?id=1Z-atzS5Y2pOd-nEWqZRVBDMYJDreGWHH by hand and save it here\n',
    );
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, readFileSync(fixture('csrnet', 'legacy-cuda-tagged', 'model_best.pth.tar')));
    const pulled = await crowd(['models', 'pull', 'csrnet-sha-reference'], { env: noMirror });
    expect([pulled.code, pulled.stdout]).toEqual([0, `${path}\n`]);
    const counted = await crowd(['count', fixture('csrnet', 'input_image.png'), '--weights', 'csrnet-sha-reference', '--offline', '--json'], { env: noMirror });
    expect(counted.code).toBe(0);
    expect(JSON.parse(counted.stdout)).toMatchObject({ width: 96, height: 64, scale: 1 });
  });

  test('an unknown id is exit code 2 listing the known ones', async () => {
    const run = await crowd(['models', 'pull', 'csrnet-a'], { env });
    expect([run.code, run.stderr]).toEqual([
      2,
      'crowd: no model "csrnet-a" in the registry (known: csrnet-sha-lwcc, csrnet-shb-lwcc, csrnet-sha-reference, csrnet-shb-reference)\n',
    ]);
  });
});

describe('downloadReporting', () => {
  /** A stream that says it is (or is not) a terminal and keeps what is written to it. */
  function stream(isTTY: boolean) {
    const out = Object.assign(new PassThrough(), { isTTY, columns: 100 }) as unknown as NodeJS.WriteStream & { text: string };
    out.text = '';
    out.on('data', (chunk) => (out.text += chunk));
    return out;
  }
  const feed = (options: ReturnType<typeof downloadReporting>) => {
    for (const received of [0, 512 * 1024, 1024 * 1024, 2 * 1024 * 1024]) options.onProgress!({ url: 'https://h/CSRNet_SHA.pth', received, total: 2 * 1024 * 1024 });
  };

  test('off a terminal: one line when the download starts (with a resumed part), nothing per chunk', () => {
    const stderr = stream(false);
    feed(downloadReporting({ stdout: stream(false), stderr }, 'count', false));
    expect(stderr.text).toBe('crowd count: downloading https://h/CSRNet_SHA.pth (2.0 MB)\n');
    const resumed = stream(false);
    downloadReporting({ stdout: stream(false), stderr: resumed }, 'count', false).onProgress!({ url: 'https://h/m', received: 1024 * 1024, total: 4 * 1024 * 1024 });
    expect(resumed.text).toBe('crowd count: downloading https://h/m (4.0 MB, resuming at 1.0 MB)\n');
  });

  test('on a terminal: a progress bar in MB, stopped at 100%', () => {
    const stderr = stream(true);
    feed(downloadReporting({ stdout: stream(false), stderr }, 'models pull', false));
    expect(stderr.text).toContain('download [');
    expect(stderr.text).toContain('] 100% 2.0/2.0 MB');
  });
});
