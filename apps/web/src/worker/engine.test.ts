import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOnnxruntimeNode } from '@crowd/count/node';
import { csrnetCheckpointToOnnx, IMAGENET_NORMALIZATION, readTorchCheckpoint, saveCsrnet } from '@crowd/csrnet';
import { fileSystemHandler, loadCsrnetFile, selectBackend } from '@crowd/csrnet/node';
import { fixture, readNpy } from '@crowd/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Frame } from '../protocol.ts';
import { Engine } from './engine.ts';
import { createSessionTracker, type EngineRuntimes } from './engines.ts';
import type { SavedModel, SavedModelStore } from './saved-model-store.ts';
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

const CHECKPOINT = fixture('csrnet', 'zip', 'model_best.pth.tar');
const checkpointFile = () => new File([readFileSync(CHECKPOINT)], 'model_best.pth.tar');
const expected = readNpy(fixture('csrnet', 'output.npy')).data as Float32Array;
const scale = Math.max(...expected.map(Math.abs));
const maxDiff = (density: Float32Array) => Math.max(...density.map((v, i) => Math.abs(v - expected[i])));

const PAGE = 'http://127.0.0.1:4173/';
const MODELS = 'https://models.example.org';

/** The worker's engine on Node's runtimes: onnxruntime-node (its cpu provider stands for wasm), tfjs cpu, no WebGPU, a fetch of fixed files. */
async function nodeEngine(webgpuAdapter: EngineRuntimes['webgpuAdapter'] = () => Promise.reject(new Error('this browser offers no WebGPU (navigator.gpu is missing)'))) {
  const sessions = createSessionTracker();
  const ort = sessions.wrap(await loadOnnxruntimeNode());
  const fetched: string[] = [];
  const served = new Map<string, Uint8Array>();
  let saved: SavedModel | undefined;
  const store: SavedModelStore = { get: async () => saved, put: async (m) => void (saved = m), delete: async () => void (saved = undefined) };
  const runtimes: EngineRuntimes = {
    loadOrt: async () => ({ runtime: 'onnxruntime-node', module: ort, providers: { 'ort-wasm': 'cpu', 'ort-webgpu': 'webgpu' }, threads: () => 1 }),
    webgpuAdapter,
    selectTfjs: (preference) => selectBackend(preference === 'auto' ? 'cpu' : preference),
    tfjsDevice: () => undefined,
  };
  const engine = new Engine({
    runtimes,
    ortSessions: sessions.live,
    store,
    fetch: async (url) => {
      fetched.push(url);
      const body = served.get(url);
      return body === undefined ? new Response('not here', { status: 404, statusText: 'Not Found' }) : new Response(body as Uint8Array<ArrayBuffer>);
    },
    pageUrl: PAGE,
    modelOrigins: [MODELS],
    crossOriginIsolated: false,
  });
  return { engine, fetched, served, saved: () => saved };
}

let node: Awaited<ReturnType<typeof nodeEngine>>;
let tfjsDir: string;

beforeAll(async () => {
  await selectBackend('cpu');
  node = await nodeEngine();
  tfjsDir = await mkdtemp(join(tmpdir(), 'crowd-web-engine-'));
  const { model } = await loadCsrnetFile(CHECKPOINT);
  await saveCsrnet(model, fileSystemHandler(tfjsDir));
  model.dispose();
  node.served.set(`${MODELS}/csrnet/model.json`, await readFile(join(tfjsDir, 'model.json')));
  node.served.set(`${MODELS}/csrnet/weights.bin`, await readFile(join(tfjsDir, 'weights.bin')));
});
afterAll(async () => {
  await node.engine.unloadModel('app');
  await node.engine.unloadModel('onnx');
  await rm(tfjsDir, { recursive: true, force: true });
});

describe('the worker engine', () => {
  test('auto without WebGPU runs onnxruntime and says why WebGPU was skipped; a picked .pth.tar counts like PyTorch, with its warning', async () => {
    const info = await node.engine.setEngine('auto');
    expect(info).toEqual({
      engine: 'ort-wasm',
      name: 'onnxruntime-node (cpu)',
      threads: 1,
      crossOriginIsolated: false,
      tried: [{ engine: 'ort-webgpu', error: 'this browser offers no WebGPU (navigator.gpu is missing)' }],
      unavailable: {},
    });
    const model = await node.engine.loadModel('app', { kind: 'files', files: [checkpointFile()] }, false);
    expect(model).toEqual({ label: 'model_best.pth.tar', format: 'pytorch', widthDivisor: 8, variant: 'B', parameters: 254_825, saved: false });
    const result = await node.engine.count('app', fixturePixels());
    expect([result.densityHeight, result.densityWidth, result.engine]).toEqual([8, 12, 'onnxruntime-node (cpu)']);
    expect(maxDiff(result.density)).toBeLessThan(1e-5 * scale);
    expect(result.count).toBeCloseTo(-37.161632569506764, 4);
    expect(result.warnings.map((w) => w.code)).toEqual(['NEGATIVE_COUNT']);
    expect(result.warnings[0].message).toMatch(/^the density sums to -37\.16 people: the model is untrained/);
    // The probe session is gone; the model's is the one alive.
    expect(result.memory.ortSessions).toBe(1);
  });

  test('auto passes over a software WebGPU adapter (SwiftShader), saying why', async () => {
    const swiftshader = await nodeEngine(async () => ({ name: 'google swiftshader', limits: { maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 30 }, software: true }));
    const info = await swiftshader.engine.setEngine('auto');
    expect(info.engine).toBe('ort-wasm');
    expect(info.tried).toEqual([
      { engine: 'ort-webgpu', error: 'the WebGPU adapter (google swiftshader) is a software one, emulated on the CPU and far slower than wasm; choose "onnxruntime-web, WebGPU" to use it anyway' },
    ]);
  });

  test('an .onnx runs on onnxruntime; forcing tfjs keeps it loaded but says tfjs cannot run it, and frees every session', async () => {
    const bytes = csrnetCheckpointToOnnx(readTorchCheckpoint(new Uint8Array(readFileSync(CHECKPOINT)), 'x'), 'x');
    const model = await node.engine.loadModel('onnx', { kind: 'files', files: [new File([bytes as Uint8Array<ArrayBuffer>], 'csrnet.onnx')] }, false);
    expect(model).toMatchObject({ label: 'csrnet.onnx', format: 'onnx', widthDivisor: 8, parameters: 254_825 });
    expect(maxDiff((await node.engine.count('onnx', fixturePixels())).density)).toBeLessThan(1e-5 * scale);
    expect((await node.engine.memory()).ortSessions).toBe(2);

    const tfjs = await node.engine.setEngine('tfjs-cpu');
    expect(tfjs).toMatchObject({ engine: 'tfjs-cpu', name: 'tfjs (cpu)', tried: [] });
    expect(tfjs.threads).toBeUndefined();
    expect(tfjs.unavailable).toEqual({ onnx: expect.stringMatching(/^csrnet\.onnx is an ONNX model, which tfjs cannot run\. Choose the auto or an onnxruntime engine/) });
    await expect(node.engine.count('onnx', fixturePixels())).rejects.toThrow(/tfjs cannot run/);
    const onTfjs = await node.engine.count('app', fixturePixels());
    expect(onTfjs.engine).toBe('tfjs (cpu)');
    expect(maxDiff(onTfjs.density)).toBeLessThan(1e-4 * scale);
    expect(onTfjs.memory.ortSessions).toBe(0);

    await expect(node.engine.setEngine('webgl' as never)).rejects.toThrow('Unknown engine "webgl"; expected one of auto, ort-webgpu, ort-wasm, tfjs-webgl, tfjs-wasm, tfjs-cpu.');
    const back = await node.engine.setEngine('ort-wasm');
    expect(back.unavailable).toEqual({});
    expect((await node.engine.count('onnx', fixturePixels())).engine).toBe('onnxruntime-node (cpu)');
  });

  test('counting many frames grows neither tfjs tensors nor onnxruntime sessions, on either engine', async () => {
    for (const choice of ['ort-wasm', 'tfjs-cpu'] as const) {
      await node.engine.setEngine(choice);
      await node.engine.count('app', fixturePixels());
      const before = await node.engine.memory();
      for (let i = 0; i < 5; i++) await node.engine.count('app', fixturePixels());
      expect(await node.engine.memory()).toEqual(before);
    }
    await node.engine.setEngine('ort-wasm');
  });

  test('a model from an allowed URL (a tfjs model.json and the weights it names), remembered with its URL and reloaded', async () => {
    const url = `${MODELS}/csrnet/model.json`;
    const model = await node.engine.loadModel('app', { kind: 'url', url }, true);
    expect(model).toMatchObject({ label: url, format: 'tfjs', widthDivisor: 8, saved: true });
    expect(node.fetched.slice(-2)).toEqual([url, `${MODELS}/csrnet/weights.bin`]);
    expect(node.saved()).toMatchObject({ label: url, url });
    expect(node.saved()!.files.map((f) => f.name)).toEqual(['model.json', 'weights.bin']);
    expect(await node.engine.hasSavedModel()).toBe(true);
    const fetches = node.fetched.length;
    const reloaded = await node.engine.loadModel('app', { kind: 'saved' }, false);
    expect(reloaded).toMatchObject({ label: `the copy saved on this device (${url})`, format: 'tfjs', saved: true });
    expect(node.fetched.length).toBe(fetches); // offline: nothing fetched
    expect(maxDiff((await node.engine.count('app', fixturePixels())).density)).toBeLessThan(1e-5 * scale);
    await node.engine.forgetSavedModel();
    expect(await node.engine.hasSavedModel()).toBe(false);
  });

  test('a URL outside the allowed origins is refused before any request; a missing file is the HTTP status', async () => {
    const fetches = node.fetched.length;
    const refused = await node.engine.loadModel('x', { kind: 'url', url: 'https://evil.example.com/model.onnx' }, false).catch((e: unknown) => e);
    expect(serializeError(refused)).toEqual({
      name: 'ModelUrlRefused',
      message: expect.stringMatching(/^https:\/\/evil\.example\.com is not an allowed model origin, so nothing was fetched\. This app may load models only from http:\/\/127\.0\.0\.1:4173, https:\/\/models\.example\.org\. To allow another origin, build or serve the app with CROWD_MODEL_ORIGINS="https:\/\/evil\.example\.com"/),
    });
    expect(node.fetched.length).toBe(fetches);
    await expect(node.engine.loadModel('x', { kind: 'url', url: `${MODELS}/gone.pth.tar` }, false)).rejects.toThrow('https://models.example.org/gone.pth.tar: the server answered HTTP 404 Not Found.');
    await expect(node.engine.loadModel('x', { kind: 'url', url: `${MODELS}/index.html` }, false)).rejects.toThrow(/expected a URL that ends in model\.json \(tfjs\), \.pth \/ \.pth\.tar \(PyTorch\) or \.onnx, found "index\.html"/);
  });

  test('bad files, missing models and tiny frames are readable errors with their codes', async () => {
    const html = new File(['<!doctype html><html><body>404</body></html>'], 'PartAmodel_best.pth.tar');
    const error = await node.engine.loadModel('other', { kind: 'files', files: [html] }, false).catch((e: unknown) => e);
    expect(serializeError(error)).toMatchObject({ name: 'CsrnetError', code: 'WEIGHTS_FORMAT', message: expect.stringMatching(/^PartAmodel_best\.pth\.tar: .*HTML/) });
    const onnx = await node.engine.loadModel('other', { kind: 'files', files: [new File(['{"a":1}'], 'model.onnx')] }, false).catch((e: unknown) => e);
    expect(serializeError(onnx)).toMatchObject({ code: 'ONNX_FORMAT', message: expect.stringMatching(/^model\.onnx: this is a JSON document, not an ONNX model/) });
    await expect(node.engine.loadModel('other', { kind: 'files', files: [new File(['hi'], 'notes.txt')] }, false)).rejects.toThrow(/got notes\.txt/);
    await expect(node.engine.count('nothing-here', fixturePixels())).rejects.toThrow(/No model is loaded/);
    await expect(node.engine.count('app', { pixels: new Uint8ClampedArray(4 * 7 * 7), width: 7, height: 7 })).rejects.toThrow(/at least 8×8/);
  });
});
