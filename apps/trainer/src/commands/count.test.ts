import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { readDensityH5 } from '@crowd/datasets/node';
import { fixture, readNpy } from '@crowd/test-utils';
import { describe, expect, test } from 'vitest';
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

describe('crowd count', () => {
  test("the fixture image with the fixture checkpoint: the count is the sum of PyTorch's output.npy (1e-4 relative)", async () => {
    const expected = sum(readNpy(fixture('csrnet', 'output.npy')).data);
    const json = await crowd(['count', INPUT, '--weights', WEIGHTS, '--backend', 'wasm', '--json']);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const [row] = jsonLines(json.stdout);
    expect(row).toMatchObject({ image: INPUT, width: 96, height: 64, tiles: 1 });
    expect(Math.abs(row.count - expected)).toBeLessThanOrEqual(1e-4 * Math.abs(expected));
    const text = await crowd(['count', INPUT, '--weights', WEIGHTS, '--backend', 'wasm']);
    expect(text.stdout).toBe(`${INPUT}\t${expected.toFixed(2)}\n`);
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
    expect(lines[0]).toBe('image,count,width,height,tiles');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([join(dir, 'IMG_2.jpg'), join(dir, 'IMG_10.jpg')]);
    expect(run.stderr).toContain(`${join(dir, 'IMG_5.jpg')}: `);
    expect(run.stderr).toContain(`${join(dir, 'anim.gif')}: unsupported image type .gif`);
    expect(run.stderr).not.toContain('notes.txt');
    expect(run.stderr).toContain('crowd count: 2 of 4 images failed');
  });

  test('--points --heatmap --save-density: head positions in image pixels, a heatmap PNG, and the 1/8 density .h5 summing to the count', async () => {
    const out = tempDir();
    const image = mini('A', 'test', 2);
    const run = await crowd([
      'count',
      image,
      '--weights',
      WEIGHTS,
      '--backend',
      'wasm',
      '--json',
      '--points',
      '--heatmap',
      join(out, 'heat'),
      '--save-density',
      join(out, 'd'),
    ]);
    expect(run.stderr).toBe('');
    const [row] = jsonLines(run.stdout);
    expect(row).toMatchObject({ width: 400, height: 300, heatmap: join(out, 'heat', 'IMG_2.heatmap.png'), density: join(out, 'd', 'IMG_2.h5') });
    expect(row.points.length).toBeGreaterThan(0);
    for (const [x, y] of row.points) {
      // Cell centres: x = (c + ½)·400/50, y = (r + ½)·300/37.
      expect(Number.isInteger(x / 8 - 0.5)).toBe(true);
      expect(Math.abs((y * 37) / 300 - 0.5 - Math.round((y * 37) / 300 - 0.5))).toBeLessThan(1e-3);
    }
    const meta = await sharp(row.heatmap).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 400, 300 + 41]);
    const density = await readDensityH5(row.density);
    expect([density.height, density.width]).toEqual([37, 50]);
    expect(sum(density.data)).toBeCloseTo(row.count, 6);
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
      '--variant',
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
