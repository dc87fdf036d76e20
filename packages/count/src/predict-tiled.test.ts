import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { loadCsrnetFile, selectBackend } from '@crowd/csrnet/node';
import { readImageRGB } from '@crowd/datasets/node';
import { fixture, readNpy } from '@crowd/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DensityEngine } from './density-engine.ts';
import { densitySum } from './density-map.ts';
import { predictTiled } from './predict-tiled.ts';
import { createTfjsEngine } from './tfjs-engine.ts';
import { planTiles } from './tile-plan.ts';

let engine: DensityEngine;
beforeAll(async () => {
  await selectBackend('wasm');
  engine = createTfjsEngine((await loadCsrnetFile(fixture('csrnet', 'zip', 'model_best.pth.tar'))).model, { backend: 'wasm' });
});
afterAll(() => engine.dispose());

/** A 512×384 RGB photo-like image: a mini ShanghaiTech JPEG scaled up. */
async function image512x384() {
  const { data, info } = await sharp(fixture('shanghaitech-mini', 'part_A', 'test_data', 'images', 'IMG_2.jpg'))
    .resize(512, 384)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

describe('predictTiled (÷8 fixture model, tfjs wasm engine)', () => {
  test("the fixture image's density equals PyTorch's output.npy (1e-4 of its max) and its sum the count (1e-4 relative)", async () => {
    const image = await readImageRGB(fixture('csrnet', 'input_image.png'));
    const density = await predictTiled(engine, image, planTiles(image.height, image.width, undefined));
    const reference = readNpy(fixture('csrnet', 'output.npy'));
    expect(reference.shape).toEqual([1, 1, 8, 12]);
    expect([density.height, density.width]).toEqual([8, 12]);
    const max = Math.max(...Array.from(reference.data, Math.abs));
    for (let i = 0; i < reference.data.length; i++) expect(Math.abs(density.data[i] - reference.data[i])).toBeLessThanOrEqual(1e-4 * max);
    const expected = densitySum(reference.data);
    expect(Math.abs(densitySum(density.data) - expected)).toBeLessThanOrEqual(1e-4 * Math.abs(expected));
  });

  test('tiled with the default 144-px margin (≥ the 142-px receptive-field half-width) equals the untiled map', async () => {
    const image = await image512x384();
    const untiled = await predictTiled(engine, image, planTiles(384, 512, undefined));
    const plan = planTiles(384, 512, 320);
    expect(plan.tiles.length).toBe(21);
    const tiled = await predictTiled(engine, image, plan);
    const scale = Math.max(...Array.from(untiled.data, Math.abs));
    let maxDiff = 0;
    for (let i = 0; i < untiled.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(tiled.data[i] - untiled.data[i]));
    expect(maxDiff).toBeLessThanOrEqual(1e-6 * scale);
    const count = densitySum(untiled.data);
    expect(Math.abs(densitySum(tiled.data) - count)).toBeLessThanOrEqual(0.01 * Math.abs(count));
  });

  test('no tensor outlives a call, tiled or not, over many images', async () => {
    const image = await image512x384();
    const small = await readImageRGB(fixture('csrnet', 'input_image.png'));
    await predictTiled(engine, small, planTiles(64, 96, undefined)); // warm-up: backend-internal state
    const before = tf.memory();
    for (let i = 0; i < 25; i++) {
      await predictTiled(engine, small, planTiles(64, 96, undefined));
      if (i % 5 === 0) await predictTiled(engine, image, planTiles(384, 512, 400));
    }
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });
});
