import { readFileSync } from 'node:fs';
import { IMAGENET_NORMALIZATION } from '@crowd/csrnet';
import { selectBackend } from '@crowd/csrnet/node';
import { fixture, readNpy } from '@crowd/test-utils';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Frame } from '../protocol.ts';
import { Engine } from './engine.ts';
import { serializeError } from './serialize-error.ts';

/** input_image.png's RGBA pixels, recovered exactly from the normalised input.npy (the normalisation is invertible on bytes). */
function fixturePixels(): Frame {
  const { shape, data } = readNpy(fixture('csrnet', 'input.npy'));
  const [, , height, width] = shape;
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let c = 0; c < 3; c++) {
    const { mean, std } = IMAGENET_NORMALIZATION;
    for (let p = 0; p < width * height; p++) pixels[4 * p + c] = Math.round((data[c * width * height + p] * std[c] + mean[c]) * 255);
  }
  for (let p = 0; p < width * height; p++) pixels[4 * p + 3] = 255;
  return { pixels, width, height };
}

const checkpoint = () => new File([readFileSync(fixture('csrnet', 'zip', 'model_best.pth.tar'))], 'model_best.pth.tar');
let engine: Engine;

beforeAll(async () => {
  engine = new Engine(() => selectBackend('cpu'));
  await engine.setBackend('cpu');
});
afterAll(() => engine.unloadModel('app'));

test('a picked .pth.tar loads, counts like PyTorch and frees every per-frame tensor', async () => {
  const info = await engine.loadModel('app', { kind: 'files', files: [checkpoint()] }, false);
  expect(info).toMatchObject({ label: 'model_best.pth.tar', format: 'pytorch', widthDivisor: 8, variant: 'B', parameters: 254_825, saved: false });
  const expected = readNpy(fixture('csrnet', 'output.npy')).data as Float32Array;
  const first = await engine.count('app', fixturePixels());
  expect([first.densityHeight, first.densityWidth]).toEqual([8, 12]);
  const scale = Math.max(...expected.map(Math.abs));
  const diff = Math.max(...first.density.map((v, i) => Math.abs(v - expected[i])));
  expect(diff).toBeLessThan(1e-4 * scale);
  expect(first.count).toBeCloseTo(-37.161632569506764, 3);
  const second = await engine.count('app', fixturePixels());
  expect(second.memory.numTensors).toBe(first.memory.numTensors);
  expect((await engine.memory()).numTensors).toBe(first.memory.numTensors);
});

test('bad files, missing models and tiny frames are readable errors with their codes', async () => {
  const html = new File(['<!doctype html><html><body>404</body></html>'], 'PartAmodel_best.pth.tar');
  const error = await engine.loadModel('other', { kind: 'files', files: [html] }, false).catch((e: unknown) => e);
  expect(serializeError(error)).toMatchObject({ name: 'CsrnetError', code: 'WEIGHTS_FORMAT', message: expect.stringMatching(/^PartAmodel_best\.pth\.tar: .*HTML/) });
  await expect(engine.loadModel('other', { kind: 'files', files: [new File(['hi'], 'notes.txt')] }, false)).rejects.toThrow(/got notes\.txt/);
  await expect(engine.count('nothing-here', fixturePixels())).rejects.toThrow(/No model is loaded/);
  await expect(engine.count('app', { pixels: new Uint8ClampedArray(4 * 7 * 7), width: 7, height: 7 })).rejects.toThrow(/at least 8×8/);
});
