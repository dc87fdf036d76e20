import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCsrnet, saveCsrnet } from '@crowd/csrnet';
import { fileSystemHandler, loadCsrnetFile, selectBackend } from '@crowd/csrnet/node';
import { fixture } from '@crowd/test-utils';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { pickedFilesHandler } from './picked-files-handler.ts';

let dir: string;
let json: File;
let weights: File;

beforeAll(async () => {
  await selectBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'crowd-web-picked-'));
  const { model } = await loadCsrnetFile(fixture('csrnet', 'zip', 'model_best.pth.tar'));
  await saveCsrnet(model, fileSystemHandler(dir));
  model.dispose();
  json = new File([await readFile(join(dir, 'model.json'))], 'model.json');
  weights = new File([await readFile(join(dir, 'weights.bin'))], 'weights.bin');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test('a saved CSRNet (no modelTopology) loads from picked model.json + weights.bin', async () => {
  const model = await loadCsrnet(pickedFilesHandler(json, [weights]));
  expect(model.config.widthDivisor).toBe(8);
  model.dispose();
});

test('wrong or missing files are readable errors', async () => {
  await expect(loadCsrnet(pickedFilesHandler(new File(['<html>'], 'model.json'), [weights]))).rejects.toThrow(/model\.json is not a tfjs model\.json \(not valid JSON/);
  await expect(loadCsrnet(pickedFilesHandler(new File(['{"a":1}'], 'model.json'), [weights]))).rejects.toThrow(/it has no weightsManifest/);
  await expect(loadCsrnet(pickedFilesHandler(json, [new File([''], 'other.bin')]))).rejects.toThrow(/model\.json needs weights\.bin, which was not selected with it/);
  const short = new File([(await weights.arrayBuffer()).slice(0, 100)], 'weights.bin');
  await expect(loadCsrnet(pickedFilesHandler(json, [short]))).rejects.toThrow(/the weight data holds 100 bytes, but the manifest declares 1,019,300 for 34 tensors: 1,019,200 bytes are missing/);
});
