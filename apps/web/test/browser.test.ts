/**
 * The production build in a real Chromium: forward parity with PyTorch on
 * webgl and wasm (through the page's own worker, decoding and inference
 * path), the upload UI, readable errors, the camera path (Chromium's fake
 * camera) and tensor leaks. Needs Debian's /usr/bin/chromium.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture, readNpy } from '@crowd/test-utils';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FixtureRun, FixtureRunOptions } from '../src/test-hook.ts';
import { writeFixtureModel, writeFullFormulaModel } from './fixture-models.ts';
import { buildApp, CHROMIUM_ARGS, previewApp, requireChromium } from './serve-app.ts';

const APP_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const FULL_MODEL = 'model-full/model.json';

let temp: string;
let server: PreviewServer | undefined;
let context: BrowserContext | undefined;
let page: Page;
let origin: string;
let site: string;
const pageErrors: string[] = [];
const consoleErrors: string[] = [];
const consoleWarnings: string[] = [];
const imageBytes = async (name: string) => [...(await readFile(fixture(name, 'input_image.png')))];

function compare(run: FixtureRun, expected: Float32Array) {
  let diff = 0;
  let scale = 0;
  run.density.forEach((v, i) => {
    diff = Math.max(diff, Math.abs(v - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  });
  return { diff, scale };
}

/** expect.poll with room for SwiftShader: a webgl inference at 512 px takes seconds here. */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });

async function runFixture(options: FixtureRunOptions): Promise<FixtureRun> {
  return page.evaluate((o) => window.__crowdTest!.runFixture(o), options);
}

beforeAll(async () => {
  const executablePath = requireChromium();
  temp = await mkdtemp(join(tmpdir(), 'crowd-web-test-'));
  site = join(temp, 'site');
  await buildApp(APP_ROOT, site);
  // The app loads ./model/model.json by default: the ÷8 fixture checkpoint, converted as `crowd convert` does.
  await writeFixtureModel(join(site, 'model'));
  await writeFullFormulaModel(join(site, 'model-full'));
  const preview = await previewApp(APP_ROOT, site);
  server = preview.server;
  origin = preview.url;
  const profile = join(temp, 'profile');
  await mkdir(profile);
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    // The fake camera lets the camera path run; without a granted permission it is denied, as for a user who says no.
    args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
    if (message.type() === 'warning') consoleWarnings.push(message.text());
  });
  await page.goto(origin);
  await page.evaluate(() => window.__crowdTest!.ready);
}, 90_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (temp) await rm(temp, { recursive: true, force: true });
});

test('the app starts on webgl (auto) with ./model/model.json', async () => {
  await poll(() => page.textContent('#model-status')).toMatch(/model\/model\.json: CSRNet B, width ÷8, 254,825 parameters \(tfjs\)/);
  expect(await page.textContent('#backend-status')).toMatch(/^using webgl \(/);
  expect(await page.isHidden('#message')).toBe(true);
});

describe('forward parity with PyTorch in Chromium', () => {
  const expected = readNpy(fixture('csrnet', 'output.npy')).data as Float32Array;
  const expectedFull = readNpy(fixture('csrnet-full-formula', 'output.npy')).data as Float32Array;

  test.each(['webgl', 'wasm'] as const)('%s: ÷8 fixture model on input_image.png → output.npy within 1e-4 × max|output|', async (backend) => {
    const run = await runFixture({ backend, image: await imageBytes('csrnet') });
    expect(run.backend.name).toBe(backend);
    expect(run.ranOn).toBe(backend);
    if (backend === 'webgl') expect(run.backend.webglVersion).toBe(2);
    expect([run.densityHeight, run.densityWidth]).toEqual([8, 12]);
    const { diff, scale } = compare(run, expected);
    console.log(`[${backend}] ÷8: max |diff| ${diff.toExponential(2)} (max |output| ${scale.toFixed(3)}), count ${run.count.toFixed(4)}, ${run.ms.toFixed(0)} ms${run.backend.webglRenderer ? `, ${run.backend.webglRenderer}` : ''}`);
    expect(diff).toBeLessThan(1e-4 * scale);
  });

  test.each(['wasm', 'webgl'] as const)('%s: full-width formula model → output.npy within 1e-4 × max|output|', async (backend) => {
    const run = await runFixture({ backend, modelUrl: FULL_MODEL, image: await imageBytes('csrnet-full-formula') });
    expect(run.backend.name).toBe(backend);
    expect(run.ranOn).toBe(backend);
    expect(run.model.parameters).toBe(16_263_489);
    const { diff, scale } = compare(run, expectedFull);
    console.log(`[${backend}] full width: max |diff| ${diff.toExponential(2)} (max |output| ${scale.toFixed(3)}), ${run.ms.toFixed(0)} ms`);
    expect(diff).toBeLessThan(1e-4 * scale);
  });

  test('the full model is freed again', async () => {
    const before = await page.evaluate(() => window.__crowdTest!.memory());
    await page.evaluate((url) => window.__crowdTest!.release(url), FULL_MODEL);
    const after = await page.evaluate(() => window.__crowdTest!.memory());
    expect(before.numTensors - after.numTensors).toBe(34);
  });
});

test.each(['wasm', 'webgl'] as const)('%s: 5 inferences leave tf.memory().numTensors unchanged', async (backend) => {
  const image = await imageBytes('csrnet');
  const counts: number[] = [];
  for (let i = 0; i < 5; i++) counts.push((await runFixture({ backend, image })).memory.numTensors);
  expect(new Set(counts).size, counts.join(', ')).toBe(1);
});

describe('the page', () => {
  test('uploading input_image.png shows the count, the heat map and its legend', async () => {
    await page.selectOption('#backend', 'webgl');
    await poll(() => page.textContent('#backend-status')).toMatch(/^using webgl/);
    await page.setInputFiles('#image-input', fixture('csrnet', 'input_image.png'));
    await page.waitForSelector('#count[data-count]');
    const sum = (readNpy(fixture('csrnet', 'output.npy')).data as Float32Array).reduce((a, b) => a + b, 0);
    expect(sum.toFixed(2)).toBe('-37.16');
    expect(await page.textContent('#count')).toBe(sum.toFixed(2));
    expect(Number(await page.getAttribute('#count', 'data-count')).toFixed(2)).toBe('-37.16');
    expect(await page.textContent('#count-note')).toMatch(/Negative/);
    expect(await page.textContent('#scale-note')).toBe('Counted at full size, 96×64 px.');
    expect(await page.textContent('#timing')).toMatch(/ on webgl$/);
    const heatmap = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('#heatmap')!;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let opaque = 0;
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 0) opaque += 1;
        colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      }
      return { width: canvas.width, height: canvas.height, opaque, colours: colours.size };
    });
    expect(heatmap).toMatchObject({ width: 96, height: 64, opaque: 96 * 64 });
    expect(heatmap.colours).toBeGreaterThan(100);
    expect(await page.textContent('#legend-lo')).toMatch(/^-\d/);
    expect(await page.isHidden('#message')).toBe(true);
  });

  test('a large photo is downscaled to the largest side, and the page says so', async () => {
    await page.selectOption('#max-side', '512');
    const big = await page.evaluate(async () => {
      const canvas = new OffscreenCanvas(1200, 800);
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#777';
      ctx.fillRect(0, 0, 1200, 800);
      return [...new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg' })).arrayBuffer())];
    });
    await page.setInputFiles('#image-input', { name: 'big.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(big) });
    await poll(() => page.textContent('#scale-note')).toBe('Counted at 512×341 px, downscaled from 1200×800 (largest side 512 px); the count is for the whole picture.');
    await page.selectOption('#max-side', '1024');
  });

  test('a picked .pth.tar, and a picked model.json + weights.bin kept in IndexedDB across a reload', async () => {
    await page.setInputFiles('#model-input', fixture('csrnet', 'legacy', 'model_best.pth.tar'));
    await poll(() => page.textContent('#model-status')).toBe('model_best.pth.tar: CSRNet B, width ÷8, 254,825 parameters (pytorch)');
    await page.setInputFiles('#image-input', fixture('csrnet', 'input_image.png'));
    await poll(() => page.textContent('#scale-note')).toBe('Counted at full size, 96×64 px.');
    expect(await page.textContent('#count')).toBe('-37.16');

    await page.check('#save-model');
    await page.setInputFiles('#model-input', [join(site, 'model', 'model.json'), join(site, 'model', 'weights.bin')]);
    await poll(() => page.textContent('#model-status')).toBe('model.json + weights.bin: CSRNet B, width ÷8, 254,825 parameters (tfjs) · saved on this device');
    expect(await page.isVisible('#forget-model')).toBe(true);
    await page.reload();
    await page.evaluate(() => window.__crowdTest!.ready);
    expect(await page.textContent('#model-status')).toBe('the copy saved on this device: CSRNet B, width ÷8, 254,825 parameters (tfjs) · saved on this device');
    await page.click('#forget-model');
    await poll(() => page.isHidden('#forget-model')).toBe(true);
    await page.setInputFiles('#image-input', fixture('csrnet', 'input_image.png'));
    await poll(() => page.textContent('#count')).toBe('-37.16');
  });

  test('a text file as a model, an HTML page saved as .pth.tar and a non-image are readable errors', async () => {
    const status = await page.textContent('#model-status');
    const cases = [
      { input: '#model-input', file: { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('just some notes') }, message: /^Loading the model failed: Expected a CSRNet PyTorch checkpoint \(\.pth \/ \.pth\.tar\) or a tfjs model\.json with its weights\.bin; got notes\.txt\.$/ },
      { input: '#model-input', file: { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('not json at all') }, message: /^Loading the model failed: model\.json needs its weights file/ },
      { input: '#model-input', file: [{ name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('<html>not json</html>') }, { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(8) }], message: /^Loading the model failed: could not load the model: model\.json is not a tfjs model\.json \(not valid JSON/ },
      { input: '#model-input', file: { name: 'PartAmodel_best.pth.tar', mimeType: 'application/x-tar', buffer: Buffer.from('<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Please sign in</body></html>') }, message: /^Loading the model failed: PartAmodel_best\.pth\.tar: .*HTML.*Pick a tfjs model\.json/ },
      { input: '#image-input', file: { name: 'crowd.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a JPEG') }, message: /^Counting the photo failed: crowd\.jpg \(image\/jpeg\) could not be read as an image\. JPEG, PNG and WebP photos work\.$/ },
    ];
    for (const { input, file, message } of cases) {
      await page.setInputFiles(input, file);
      await poll(() => page.textContent('#message')).toMatch(message);
      expect(await page.isVisible('#message')).toBe(true);
    }
    expect(await page.textContent('#model-status')).toBe(status); // the working model stays
  });

  test('the camera: denied is a readable message; allowed, frames are counted without leaking tensors', async () => {
    await page.click('#camera-start');
    await poll(() => page.textContent('#message')).toMatch(/^Starting the camera failed: Camera access was denied\./);
    await context!.grantPermissions(['camera'], { origin });
    await page.selectOption('#backend', 'wasm');
    await poll(() => page.textContent('#backend-status')).toMatch(/^using wasm/);
    await page.selectOption('#max-side', '512');
    await page.fill('#camera-interval', '100');
    await page.click('#camera-start');
    const tensors: number[] = [];
    let frames = 0;
    const first = Number(await page.getAttribute('#count', 'data-frames'));
    await poll(async () => {
      frames = Number(await page.getAttribute('#count', 'data-frames')) - first;
      const debug = (await page.textContent('#debug')) ?? '';
      tensors.push(Number(/(\d+) tensors/.exec(debug)?.[1]));
      return frames;
    }).toBeGreaterThanOrEqual(4);
    await page.click('#camera-stop');
    expect(await page.isDisabled('#camera-stop')).toBe(true);
    console.log(`camera: ${frames} frames, tfjs tensors after each poll: ${tensors.join(', ')}`);
    expect(new Set(tensors.slice(1)).size, tensors.join(', ')).toBe(1);
    expect(await page.textContent('#scale-note')).toMatch(/^Counted at 512×\d+ px, downscaled from \d+×\d+ \(largest side 512 px\)/);
    expect(await page.isHidden('#message')).toBe(true);
  });

  test('no page errors and no console errors were emitted', () => {
    if (consoleWarnings.length > 0) console.log(`console warnings (not failures):\n${consoleWarnings.join('\n')}`);
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
