import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { loadCsrnetFile, selectBackend } from '@crowd/csrnet/node';
import { readDensityH5 } from '@crowd/datasets/node';
import { fixture } from '@crowd/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CountImage } from '../count-image.ts';
import { createCounter, type Counter } from '../counter.ts';
import type { DensityEngine } from '../density-engine.ts';
import { createTfjsEngine } from '../tfjs-engine.ts';
import { countFile } from './count-file.ts';
import { heatmapLayout } from './heatmap-layout.ts';

let counter: Counter;
beforeAll(async () => {
  await selectBackend('wasm');
  counter = createCounter({ engine: createTfjsEngine((await loadCsrnetFile(fixture('csrnet', 'zip', 'model_best.pth.tar'))).model, { backend: 'wasm' }) });
});
afterAll(() => counter.dispose());

const mini = (part: string, split: string, n: number) => fixture('shanghaitech-mini', `part_${part}`, `${split}_data`, 'images', `IMG_${n}.jpg`);

describe('countFile', () => {
  test('writes the heatmap (photo + legend band) and the 1/8 density .h5, whose sum is the count', async () => {
    const out = mkdtempSync(join(tmpdir(), 'crowd-count-image-'));
    const image = mini('A', 'train', 3); // 347×261: not a multiple of 8
    const record = await countFile(counter, image, 'sub/IMG_3', {
      points: true,
      heatmap: { dir: join(out, 'heat'), format: 'jpg', colourMap: 'viridis' },
      densityDir: join(out, 'density'),
    });
    expect(record).toMatchObject({
      image,
      width: 347,
      height: 261,
      tiles: 1,
      heatmap: join(out, 'heat', 'sub', 'IMG_3.heatmap.jpg'),
      density: join(out, 'density', 'sub', 'IMG_3.h5'),
    });
    const meta = await sharp(record.heatmap!).metadata();
    const layout = heatmapLayout(347, 261);
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', layout.width, layout.height]);
    const density = await readDensityH5(record.density!);
    expect([density.height, density.width, density.data.constructor.name]).toEqual([32, 43, 'Float32Array']);
    let sum = 0;
    for (const v of density.data) sum += v;
    expect(sum).toBeCloseTo(record.count, 10);
    // The untrained ÷8 model's density sums below zero: no people, so no points.
    expect(record.count).toBeLessThan(0);
    expect(record.points).toEqual(new Float64Array(0));
  });

  test("maxSide: a photo shrunk before counting, its record, points and heat map in the photo's pixels, its density the counted image's", async () => {
    // One person in the middle cell of whatever image is counted.
    const engine: DensityEngine = {
      name: 'fake',
      passPixels: 2_000_000,
      async predict(image: CountImage) {
        const [h, w] = [Math.floor(image.height / 8), Math.floor(image.width / 8)];
        const data = new Float32Array(h * w);
        data[Math.floor(h / 2) * w + Math.floor(w / 2)] = 1;
        return { height: h, width: w, data };
      },
      async dispose() {},
    };
    const out = mkdtempSync(join(tmpdir(), 'crowd-count-max-side-'));
    const photo = mini('A', 'train', 3); // 347×261
    const record = await countFile(createCounter({ engine }), photo, 'IMG_3', {
      maxSide: 200,
      points: true,
      heatmap: { dir: out, format: 'png', colourMap: 'turbo' },
      densityDir: out,
    });
    expect(record).toMatchObject({ width: 347, height: 261, scale: 200 / 347, count: 1 });
    // Counted at 200×150: an 18×25 map whose middle cell (9, 12) spans x 12/25–13/25 and y 9/18–10/18 of the photo.
    expect(Array.from(record.points!).map((v) => Math.round(v * 100) / 100)).toEqual([(12.5 * 347) / 25, (9.5 * 261) / 18].map((v) => Math.round(v * 100) / 100));
    const density = await readDensityH5(record.density!);
    expect([density.height, density.width]).toEqual([18, 25]);
    const meta = await sharp(record.heatmap!).metadata();
    const layout = heatmapLayout(347, 261);
    expect([meta.width, meta.height]).toEqual([layout.width, layout.height]);
    // No maxSide, or a photo already small enough: counted as it is.
    expect((await countFile(createCounter({ engine }), photo, 'IMG_3', { maxSide: 400 })).scale).toBe(1);
  });

  test('a photo is counted as a viewer shows it: EXIF orientation applied', async () => {
    const rotated = join(mkdtempSync(join(tmpdir(), 'crowd-count-exif-')), 'rotated.jpg');
    await sharp(mini('B', 'test', 1)).withMetadata({ orientation: 6 }).jpeg().toFile(rotated);
    expect(await countFile(counter, rotated, 'rotated')).toMatchObject({ width: 240, height: 320 });
  });

  test('a file that is not an image is an error naming the file', async () => {
    await expect(countFile(counter, fixture('csrnet', 'weights.json'), 'weights')).rejects.toThrow(
      /weights\.json: expected a JPEG, PNG or WebP image/
    );
  });

  test('memory stays flat: no tensor survives 30 images counted with every output, some tiled', async () => {
    const out = mkdtempSync(join(tmpdir(), 'crowd-count-leak-'));
    const images = [mini('A', 'test', 1), mini('A', 'test', 3), mini('B', 'train', 1), fixture('csrnet', 'input_image.png')];
    const options = { tileMargin: 64, points: true, heatmap: { dir: out, format: 'png' as const, colourMap: 'turbo' as const }, densityDir: out };
    await countFile(counter, images[0], 'warm-up', options);
    const before = tf.memory();
    for (let i = 0; i < 30; i++) {
      const record = await countFile(counter, images[i % images.length], `image-${i}`, { ...options, tile: i % 3 === 0 ? 160 : undefined });
      if (i % 3 === 0 && record.width > 160) expect(record.tiles).toBeGreaterThan(1);
    }
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });
});
