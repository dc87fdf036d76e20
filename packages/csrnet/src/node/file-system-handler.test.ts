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
    const saved = readFileSync(join(out, 'model.json'), 'utf8');
    const good = () => JSON.parse(saved);
    const goodSpecs = () => good().weightsManifest[0].weights;

    writeFileSync(join(out, 'weights.bin'), weights.subarray(0, 5000));
    const truncated = await errorOf(loadCsrnet(fileSystemHandler(out)));
    expect(truncated.file).toBe(join(out, 'model.json'));
    expect(truncated.message).toMatch(/weights\.bin holds 5,000 bytes, but the manifest declares 1,019,300 for 34 tensors: 1,014,300 bytes are missing — the file is truncated \(an interrupted download or copy\?\)$/);

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

    writeFileSync(join(out, 'weights.bin'), Buffer.concat([weights, Buffer.alloc(12)]));
    writeFileSync(join(out, 'model.json'), JSON.stringify({ ...good(), weightsManifest: [{ paths: ['weights.bin'], weights: goodSpecs() }] }));
    expect((await errorOf(loadCsrnet(fileSystemHandler(out)))).message).toMatch(
      /weights\.bin holds 1,019,312 bytes, but the manifest declares 1,019,300 for 34 tensors: 12 bytes too many — the weights come from another save, or model\.json was edited$/,
    );

    const missing = await errorOf(loadCsrnet(fileSystemHandler(join(dir, 'nope'))));
    expect(missing.file).toBe(join(dir, 'nope', 'model.json'));
    expect(missing.message).toMatch(/cannot read: ENOENT/);
  });

  describe('model.json entries are checked before any weights are read, saying what is wrong', () => {
    let out: string;
    let saved: { weightsManifest: Array<{ paths: string[]; weights: Array<Record<string, unknown>> }> };
    beforeAll(async () => {
      out = join(dir, 'manifest');
      await saveCsrnet(model, fileSystemHandler(out));
      saved = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    });
    const withEntry = (change: Record<string, unknown>) => {
      const json = structuredClone(saved);
      Object.assign(json.weightsManifest[0].weights[2], change);
      writeFileSync(join(out, 'model.json'), JSON.stringify(json));
      return loadCsrnet(fileSystemHandler(out));
    };

    test.each([
      ['a string shape', { shape: 'abc' }, 'weightsManifest[0].weights[2] (frontend.2.weight): "shape" must be a list of dimensions such as [3, 3, 3, 64], found "abc"'],
      ['a negative dimension', { shape: [3, -3, 8, 8] }, 'weightsManifest[0].weights[2] (frontend.2.weight): dimension 1 of "shape" is -3; dimensions cannot be negative'],
      ['a fractional dimension', { shape: [3, 3, 8, 1.5] }, 'dimension 3 of "shape" must be a whole number, found 1.5'],
      ['a dimension given as a string', { shape: [3, '3', 8, 8] }, 'dimension 1 of "shape" must be a whole number, found "3"'],
      ['a shape no file can hold', { shape: [65536, 65536, 65536, 65536] }, 'shape [65536, 65536, 65536, 65536] has 1.84e+19 elements, more than any weights file can hold'],
      ['an unknown dtype', { dtype: 'float64' }, '"dtype" must be one of float32, int32, bool, complex64, found "float64"'],
      ['no name', { name: 7 }, 'weightsManifest[0].weights[2]: expected a non-empty "name", found 7'],
    ])('%s', async (_, change, message) => {
      const error = await errorOf(withEntry(change));
      expect(error.code).toBe('WEIGHTS_FORMAT');
      expect(error.file).toBe(join(out, 'model.json'));
      expect(error.message).toContain(message);
    });

    test('model.json and weight files over the limits are refused by size, unread', async () => {
      writeFileSync(join(out, 'model.json'), JSON.stringify(saved));
      const json = await errorOf(loadCsrnet(fileSystemHandler(out, { limits: { maxJsonBytes: 1000 } })));
      expect(json.code).toBe('LIMIT_EXCEEDED');
      expect(json.message).toMatch(/model\.json: model\.json is [\d,]+ bytes, over the limit limits\.maxJsonBytes = 1,000\. A tfjs model\.json lists only names and shapes/);
      const bin = await errorOf(loadCsrnet(fileSystemHandler(out, { limits: { maxFileBytes: 1_000_000 } })));
      expect(bin.message).toContain('model.json: the weight files (weights.bin) are 1,019,300 bytes, over the limit limits.maxFileBytes = 1,000,000.');
    });
  });
});
