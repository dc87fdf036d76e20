import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import type { CsrnetModel } from '@crowd/csrnet';
import { loadCsrnetFile, selectBackend } from '@crowd/csrnet/node';
import { readDensityH5 } from '@crowd/datasets/node';
import { fixture } from '@crowd/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { heatmapLayout } from '../heatmap/heatmap-layout.ts';
import { countImage } from './count-image.ts';
import { DEFAULT_TILE_MARGIN } from './tile-plan.ts';

let model: CsrnetModel;
beforeAll(async () => {
  await selectBackend('wasm');
  model = (await loadCsrnetFile(fixture('csrnet', 'zip', 'model_best.pth.tar'))).model;
});
afterAll(() => model.dispose());

const mini = (part: string, split: string, n: number) => fixture('shanghaitech-mini', `part_${part}`, `${split}_data`, 'images', `IMG_${n}.jpg`);

describe('countImage', () => {
  test('writes the heatmap (photo + legend band) and the 1/8 density .h5, whose sum is the count', async () => {
    const out = mkdtempSync(join(tmpdir(), 'crowd-count-image-'));
    const image = mini('A', 'train', 3); // 347×261: not a multiple of 8
    const record = await countImage(model, image, 'sub/IMG_3', {
      margin: DEFAULT_TILE_MARGIN,
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
    // Points lie on cell centres inside the image.
    for (let i = 0; i < record.points!.length; i += 2) {
      expect(record.points![i]).toBeGreaterThan(0);
      expect(record.points![i]).toBeLessThan(347);
      expect(record.points![i + 1]).toBeLessThan(261);
    }
  });

  test('a photo is counted as a viewer shows it: EXIF orientation applied', async () => {
    const rotated = join(mkdtempSync(join(tmpdir(), 'crowd-count-exif-')), 'rotated.jpg');
    await sharp(mini('B', 'test', 1)).withMetadata({ orientation: 6 }).jpeg().toFile(rotated);
    expect(await countImage(model, rotated, 'rotated', { margin: DEFAULT_TILE_MARGIN, points: false })).toMatchObject({ width: 240, height: 320 });
  });

  test('a file that is not an image is an error naming the file', async () => {
    await expect(countImage(model, fixture('csrnet', 'weights.json'), 'weights', { margin: DEFAULT_TILE_MARGIN, points: false })).rejects.toThrow(
      /weights\.json: expected a JPEG, PNG or WebP image/
    );
  });

  test('memory stays flat: no tensor survives 30 images counted with every output, some tiled', async () => {
    const out = mkdtempSync(join(tmpdir(), 'crowd-count-leak-'));
    const images = [mini('A', 'test', 1), mini('A', 'test', 3), mini('B', 'train', 1), fixture('csrnet', 'input_image.png')];
    const options = { margin: 64, points: true, heatmap: { dir: out, format: 'png' as const, colourMap: 'turbo' as const }, densityDir: out };
    await countImage(model, images[0], 'warm-up', options);
    const before = tf.memory();
    for (let i = 0; i < 30; i++) {
      const record = await countImage(model, images[i % images.length], `image-${i}`, { ...options, tile: i % 3 === 0 ? 160 : undefined });
      if (i % 3 === 0 && record.width > 160) expect(record.tiles).toBeGreaterThan(1);
    }
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });
});
