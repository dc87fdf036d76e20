import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useBackend } from '../../test/backends.js';
import { readSmallBin } from '../../test/fixtures.js';
import { CsrnetError } from '../errors.js';
import { createCsrnet, type CsrnetModel } from '../model.js';
import { loadCsrnet, saveCsrnet } from '../model-io.js';
import { stateDict } from '../state-dict.js';
import { fileSystemHandler, registerFileSystemRouter } from './file-system-handler.js';

let dir: string;
let model: CsrnetModel;

beforeAll(async () => {
  await useBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'csrnet-io-'));
  model = createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights: readSmallBin('weights.bin') });
});
afterAll(() => {
  model.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const errorOf = async (p: Promise<unknown>): Promise<CsrnetError> => {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CsrnetError);
    return e as CsrnetError;
  }
  throw new Error('expected a CsrnetError');
};

describe('fileSystemHandler', () => {
  test('writes model.json + weights.bin (no temp files left) and loads them back', async () => {
    const out = join(dir, 'a');
    const result = await saveCsrnet(model, fileSystemHandler(out));
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(1019300);
    expect(readdirSync(out).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.weightsManifest[0].weights).toHaveLength(34);
    const loaded = await loadCsrnet(fileSystemHandler(join(out, 'model.json')));
    expect(stateDict(loaded)).toEqual(stateDict(model));
    loaded.dispose();
  });

  test('the same folder loads through tf.io.http, as a browser would', async () => {
    const out = join(dir, 'b');
    await saveCsrnet(model, fileSystemHandler(out));
    const fetchFunc = async (url: string | URL | Request) => new Response(readFileSync(join(out, new URL(String(url)).pathname.slice('/models/b/'.length))));
    const loaded = await loadCsrnet(tf.io.http('http://example.test/models/b/model.json', { fetchFunc }));
    expect(stateDict(loaded)).toEqual(stateDict(model));
    loaded.dispose();
  });

  test('file:// URLs once the router is registered', async () => {
    registerFileSystemRouter();
    registerFileSystemRouter();
    const url = `file://${join(dir, 'c')}`;
    await saveCsrnet(model, url);
    const loaded = await loadCsrnet(url);
    expect(loaded.config).toEqual(model.config);
    loaded.dispose();
  });

  test('truncated, corrupt, mismatched and missing files are CsrnetErrors with expected vs found', async () => {
    const out = join(dir, 'd');
    await saveCsrnet(model, fileSystemHandler(out));
    const weights = readFileSync(join(out, 'weights.bin'));

    writeFileSync(join(out, 'weights.bin'), weights.subarray(0, 5000));
    const truncated = await errorOf(loadCsrnet(fileSystemHandler(out)));
    expect(truncated.file).toBe(join(out, 'model.json'));
    expect(truncated.message).toMatch(/expected 1019300 bytes in weights\.bin, found 5000$/);

    // A weights.bin from another save of the same architecture.
    const other = createCsrnet({ widthDivisor: 8 }, { kind: 'reference', seed: 9 });
    await saveCsrnet(other, fileSystemHandler(join(dir, 'other')));
    other.dispose();
    writeFileSync(join(out, 'weights.bin'), readFileSync(join(dir, 'other', 'weights.bin')));
    expect((await errorOf(loadCsrnet(fileSystemHandler(out)))).message).toMatch(/weights: expected sha256 \w+, found \w+ \(corrupt, or a weights file from another save\)$/);

    writeFileSync(join(out, 'model.json'), '{"weightsManifest": [');
    expect((await errorOf(loadCsrnet(fileSystemHandler(out)))).message).toMatch(/model\.json: expected tfjs model JSON, found unparsable text/);

    writeFileSync(join(out, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['../a/weights.bin'], weights: [] }] }));
    expect((await errorOf(loadCsrnet(fileSystemHandler(out)))).message).toMatch(/weights path "\.\.\/a\/weights\.bin" leaves the model's folder$/);

    const missing = await errorOf(loadCsrnet(fileSystemHandler(join(dir, 'nope'))));
    expect(missing.file).toBe(join(dir, 'nope', 'model.json'));
    expect(missing.message).toMatch(/cannot read: ENOENT/);
  });
});
