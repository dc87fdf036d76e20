import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { csrnetFromCheckpoint, readTorchCheckpoint, saveCsrnet } from '@crowd/csrnet';
import { fileSystemHandler, selectBackend } from '@crowd/csrnet/node';
import { readDensityH5 } from '@crowd/datasets/node';
import { closedPort, fixture, readNpy, serveFiles, type FileServer } from '@crowd/test-utils';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { crowd } from '../../test/cli.ts';

const WEIGHTS = fixture('csrnet', 'zip', 'model_best.pth.tar');
const INPUT = fixture('csrnet', 'input_image.png');
const mini = (part: string, split: string, n: number) => fixture('shanghaitech-mini', `part_${part}`, `${split}_data`, 'images', `IMG_${n}.jpg`);
const tempDir = () => mkdtempSync(join(tmpdir(), 'crowd-count-cli-'));
const sum = (data: ArrayLike<number>) => Array.from(data).reduce((a, b) => a + b, 0);
const jsonLines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

let positive: string | undefined;
/**
 * A tfjs model folder: the ÷8 fixture checkpoint with 1 added to its output
 * bias, so that, unlike the untrained fixture, it predicts people (its
 * density is positive with structure), which head points need.
 */
async function positiveModel(): Promise<string> {
  if (positive !== undefined) return positive;
  await selectBackend('cpu');
  const checkpoint = readTorchCheckpoint(new Uint8Array(readFileSync(WEIGHTS)), WEIGHTS);
  checkpoint.stateDict.get('output_layer.bias')!.data[0] += 1;
  const model = csrnetFromCheckpoint(checkpoint, WEIGHTS);
  positive = join(tempDir(), 'positive');
  await saveCsrnet(model, fileSystemHandler(positive));
  model.dispose();
  return positive;
}

// Every test runs the CLI a few times, each a new Node process loading tfjs and onnxruntime (seconds apiece on 2 shared cores).
describe('crowd count', { timeout: 180_000 }, () => {
  test("the fixture image with the fixture checkpoint: the count is the sum of PyTorch's output.npy (1e-4 relative)", async () => {
    const expected = sum(readNpy(fixture('csrnet', 'output.npy')).data);
    const json = await crowd(['count', INPUT, '--weights', WEIGHTS, '--backend', 'wasm', '--json']);
    // The ÷8 fixture model is untrained: its density sums below zero, and the CLI says so.
    expect(json.stderr).toBe(
      'crowd count: counting with tfjs (wasm)\n' +
        `crowd count: warning: ${INPUT}: the density sums to ${expected.toFixed(2)} people: the model is untrained or wrong for this image (another scale or kind of scene); do not trust this count\n`,
    );
    expect(json.code).toBe(0);
    const [row] = jsonLines(json.stdout);
    expect(row).toMatchObject({ image: INPUT, width: 96, height: 64, tiles: 1, warnings: [expect.stringContaining('the density sums to')] });
    expect(Math.abs(row.count - expected)).toBeLessThanOrEqual(1e-4 * Math.abs(expected));
    const text = await crowd(['count', INPUT, '--weights', WEIGHTS, '--backend', 'wasm']);
    expect(text.stdout).toBe(`${INPUT}\t${expected.toFixed(2)}\n`);
  });

  test('by default onnxruntime-node counts (installed in the workspace), says so, and gives the same count', async () => {
    const expected = sum(readNpy(fixture('csrnet', 'output.npy')).data);
    const run = await crowd(['count', INPUT, '--weights', WEIGHTS, '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n')[0]).toBe('crowd count: counting with onnxruntime-node (cpu)');
    const [row] = jsonLines(run.stdout);
    expect(Math.abs(row.count - expected)).toBeLessThanOrEqual(1e-4 * Math.abs(expected));
    const onTfjs = await crowd(['count', INPUT, '--weights', WEIGHTS, '--json', '--engine', 'tfjs']);
    // tfjs backends that could not load (tensorflow, webgpu without a GPU) are listed after it.
    expect(onTfjs.stderr).toMatch(/^crowd count: counting with tfjs \((wasm|cpu)\)( \(skipped .+\))?$/m);
  });

  test('a folder: images in natural order, a corrupt JPEG and a GIF reported by name and skipped, other files ignored, exit code 1', async () => {
    const dir = tempDir();
    copyFileSync(mini('B', 'test', 1), join(dir, 'IMG_10.jpg'));
    copyFileSync(mini('B', 'test', 3), join(dir, 'IMG_2.jpg'));
    writeFileSync(join(dir, 'IMG_5.jpg'), readFileSync(mini('B', 'test', 1)).subarray(0, 600));
    writeFileSync(join(dir, 'anim.gif'), 'GIF89a');
    writeFileSync(join(dir, 'notes.txt'), 'not an image');
    const run = await crowd(['count', dir, '--weights', WEIGHTS, '--backend', 'wasm', '--csv']);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('image,count,width,height,tiles,warnings');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([join(dir, 'IMG_2.jpg'), join(dir, 'IMG_10.jpg')]);
    expect(run.stderr).toContain(`${join(dir, 'IMG_5.jpg')}: `);
    expect(run.stderr).toContain(`${join(dir, 'anim.gif')}: unsupported image type .gif`);
    expect(run.stderr).not.toContain('notes.txt');
    expect(run.stderr).toContain('crowd count: 2 of 4 images failed');
  });

  test('--points --heatmap --save-density: one point per person in image pixels, a heatmap PNG, and the 1/8 density .h5 summing to the count', async () => {
    const out = tempDir();
    const image = mini('A', 'test', 2);
    const run = await crowd([
      'count',
      image,
      '--weights',
      await positiveModel(),
      '--backend',
      'wasm',
      '--json',
      '--points',
      '--heatmap',
      join(out, 'heat'),
      '--save-density',
      join(out, 'd'),
    ]);
    expect(run.stderr).not.toMatch(/error|failed|warning/i);
    const [row] = jsonLines(run.stdout);
    expect(row).toMatchObject({ width: 400, height: 300, scale: 1, heatmap: join(out, 'heat', 'IMG_2.heatmap.png'), density: join(out, 'd', 'IMG_2.h5') });
    expect(row.count).toBeGreaterThan(10);
    // The points follow the count (a few may be left out where they would stack), inside the photo.
    expect(row.points.length).toBeLessThanOrEqual(Math.round(row.count));
    expect(row.points.length).toBeGreaterThanOrEqual(0.9 * row.count);
    for (const [x, y] of row.points) expect(x > 0 && x < 400 && y > 0 && y < 300).toBe(true);
    const meta = await sharp(row.heatmap).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 400, 300 + 41]);
    const density = await readDensityH5(row.density);
    expect([density.height, density.width]).toEqual([37, 50]);
    expect(sum(density.data)).toBeCloseTo(row.count, 6);
    // The untrained fixture model predicts less than nobody: no points at all.
    const untrained = jsonLines((await crowd(['count', image, '--weights', WEIGHTS, '--backend', 'wasm', '--json', '--points'])).stdout)[0];
    expect([untrained.count < 0, untrained.points]).toEqual([true, []]);
  });

  test("--max-side 200: a 400×300 photo counted at 200×150, its points and sizes in the photo's pixels; 0 counts at full size", async () => {
    const out = tempDir();
    const image = mini('A', 'test', 2);
    const args = ['count', image, '--weights', await positiveModel(), '--backend', 'wasm', '--json', '--points', '--save-density', out];
    const [small] = jsonLines((await crowd([...args, '--max-side', '200'])).stdout);
    expect(small).toMatchObject({ width: 400, height: 300, scale: 0.5 });
    const density = await readDensityH5(small.density);
    expect([density.height, density.width]).toEqual([18, 25]);
    expect(small.points.length).toBeGreaterThan(0);
    // Points spread over the whole photo, not the 200×150 counted.
    expect(Math.max(...small.points.map(([x]: number[]) => x))).toBeGreaterThan(200);
    for (const [x, y] of small.points) expect(x > 0 && x < 400 && y > 0 && y < 300).toBe(true);
    const [full] = jsonLines((await crowd([...args, '--max-side', '0'])).stdout);
    expect(full.scale).toBe(1);
    const bad = await crowd(['count', image, '--max-side', '-3']);
    expect(bad.stderr).toContain('--max-side must be a whole number of pixels ≥ 0, got "-3"');
  });

  test('--tile 320: a 512×384 photo counted in 21 tiles gives the untiled count (within 1%; equal with the default margin)', async () => {
    const dir = tempDir();
    const photo = join(dir, 'photo.jpg');
    await sharp(mini('A', 'test', 2)).resize(512, 384).jpeg({ quality: 90 }).toFile(photo);
    const untiled = jsonLines((await crowd(['count', photo, '--weights', WEIGHTS, '--backend', 'wasm', '--json'])).stdout)[0];
    const tiled = jsonLines((await crowd(['count', photo, '--weights', WEIGHTS, '--backend', 'wasm', '--json', '--tile', '320'])).stdout)[0];
    expect([untiled.tiles, tiled.tiles]).toEqual([1, 21]);
    expect(Math.abs(tiled.count - untiled.count)).toBeLessThanOrEqual(0.01 * Math.abs(untiled.count));
    expect(tiled.count).toBeCloseTo(untiled.count, 4);
  });

  test('a missing weights file is a clear error naming it (exit code 2); bad tile sizes are refused before any work', async () => {
    const missing = await crowd(['count', INPUT, '--weights', '/nonexistent/model_best.pth.tar']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/model_best.pth.tar: cannot read weights');
    const odd = await crowd(['count', INPUT, '--weights', WEIGHTS, '--tile', '100']);
    expect(odd.code).not.toBe(0);
    expect(odd.stderr).toContain('--tile must be a multiple of 8 pixels ≥ 8, got "100"');
    const small = await crowd(['count', INPUT, '--weights', WEIGHTS, '--tile', '256']);
    expect(small.code).toBe(2);
    expect(small.stderr).toContain('the tile size must be a multiple of 8 pixels ≥ 2 × margin + 8 = 296, got 256');
  });

  test('--help documents every option', async () => {
    const run = await crowd(['count', '--help']);
    expect(run.code).toBe(0);
    for (const flag of [
      '--weights',
      '--offline',
      '--max-side',
      '--variant',
      '--engine',
      '--backend',
      '--json',
      '--csv',
      '--points',
      '--heatmap',
      '--heatmap-format',
      '--colour-map',
      '--save-density',
      '--tile',
      '--tile-margin',
    ]) {
      expect(run.stdout).toContain(flag);
    }
  });
});

describe('crowd count with registry models (a local server standing in for GitHub, via CROWD_MODELS_MIRROR)', { timeout: 180_000 }, () => {
  // LWCC's container around the ÷8 fixture weights, served as LWCC's CSRNet_SHA.pth.
  const LWCC = fixture('csrnet', 'formats', 'lwcc.pth');
  const pytorch = sum(readNpy(fixture('csrnet', 'formats', 'output.npy')).data);
  let server: FileServer;
  let env: Record<string, string>;
  beforeEach(async () => {
    server = await serveFiles({ '/CSRNet_SHA.pth': new Uint8Array(readFileSync(LWCC)), '/CSRNet_SHB.pth': new Uint8Array(readFileSync(LWCC)) });
    env = { CROWD_MODELS_MIRROR: server.url, CROWD_CACHE_DIR: tempDir() };
  });
  afterEach(() => server.close());

  test("no --weights: the default model (csrnet-sha-lwcc) is downloaded on first use, counts PyTorch's density, and is taken from the cache after", async () => {
    const path = join(env.CROWD_CACHE_DIR, 'models', 'csrnet-sha-lwcc', 'CSRNet_SHA.pth');
    const first = await crowd(['count', INPUT, '--json'], { env });
    expect(first.code).toBe(0);
    expect(first.stderr.split('\n').slice(0, 3)).toEqual([
      `crowd count: downloading ${server.url}/CSRNet_SHA.pth (1.0 MB)`,
      `crowd count: model csrnet-sha-lwcc (CSRNet, ShanghaiTech Part A (dense crowds), LWCC weights): ${path}`,
      'crowd count: counting with onnxruntime-node (cpu)',
    ]);
    const [row] = jsonLines(first.stdout);
    // 96×64 is under the model's 1000-px longest side: counted as it is.
    expect(row).toMatchObject({ image: INPUT, width: 96, height: 64, scale: 1 });
    expect(Math.abs(row.count - pytorch)).toBeLessThanOrEqual(1e-4 * Math.abs(pytorch));
    expect(readFileSync(path).equals(readFileSync(LWCC))).toBe(true);
    const second = await crowd(['count', INPUT, '--json', '--offline'], { env });
    expect(second.code).toBe(0);
    expect(second.stderr).not.toContain('downloading');
    expect(server.requests).toHaveLength(1);
  });

  test("the registry's preprocessing applies: a 1200×900 photo is counted at LWCC's 1000-px longest side, and --weights takes an id", async () => {
    const photo = join(tempDir(), 'big.jpg');
    await sharp(mini('A', 'test', 2)).resize(1200, 900).jpeg({ quality: 90 }).toFile(photo);
    const [row] = jsonLines((await crowd(['count', photo, '--json', '--weights', 'csrnet-shb-lwcc'], { env })).stdout);
    expect(row).toMatchObject({ width: 1200, height: 900, scale: 1000 / 1200, tiles: 1 });
    expect(server.requests.map((r) => r.path)).toEqual(['/CSRNet_SHB.pth']);
  });

  test('--offline with nothing cached: exit code 2, and what to download by hand and where to put it', async () => {
    const run = await crowd(['count', INPUT, '--offline'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `crowd: csrnet-sha-lwcc is not in the cache; offline, it cannot be downloaded: download ${server.url}/CSRNet_SHA.pth by hand and save it as ${join(env.CROWD_CACHE_DIR, 'models', 'csrnet-sha-lwcc', 'CSRNet_SHA.pth')}\n`,
    );
    expect(server.requests).toHaveLength(0);
  });

  test('no network (a mirror on a closed port): exit code 2 naming the URL, the connection error and where to put the file', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/CSRNet_SHA.pth`;
    const run = await crowd(['count', INPUT], { env: { ...env, CROWD_MODELS_MIRROR: `http://127.0.0.1:${port}` } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `crowd: could not download csrnet-sha-lwcc (${url}: cannot connect (connect ECONNREFUSED 127.0.0.1:${port})); download ${url} by hand and save it as ${join(env.CROWD_CACHE_DIR, 'models', 'csrnet-sha-lwcc', 'CSRNet_SHA.pth')}\n`,
    );
  });
});
