import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createCounter, createTfjsEngine, DEFAULT_TILE_MARGIN, type Counter } from '@crowd/count';
import { loadCsrnetFile, selectBackend } from '@crowd/csrnet/node';
import { findSamples } from '@crowd/datasets/node';
import { fixture } from '@crowd/test-utils';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { evaluateDataset, type EvalFailure, type EvalRow } from './evaluate-dataset.ts';

let counter: Counter;
beforeAll(async () => {
  await selectBackend('wasm');
  counter = createCounter({ engine: createTfjsEngine((await loadCsrnetFile(fixture('csrnet', 'zip', 'model_best.pth.tar'))).model, { backend: 'wasm' }) });
});
afterAll(() => counter.dispose());

test('an image without heads counts in MAE and GAME but has no PSNR/SSIM and is left out of NAE', async () => {
  // NWPU-Crowd layout: images/0001.jpg + jsons/0001.json.
  const root = mkdtempSync(join(tmpdir(), 'crowd-eval-nwpu-'));
  mkdirSync(join(root, 'images'));
  mkdirSync(join(root, 'jsons'));
  const photo = fixture('shanghaitech-mini', 'part_B', 'test_data', 'images', 'IMG_3.jpg');
  copyFileSync(photo, join(root, 'images', '0001.jpg'));
  copyFileSync(photo, join(root, 'images', '0002.jpg'));
  writeFileSync(join(root, 'jsons', '0001.json'), JSON.stringify({ human_num: 0, points: [] }));
  writeFileSync(
    join(root, 'jsons', '0002.json'),
    JSON.stringify({
      human_num: 2,
      points: [
        [10.5, 20],
        [300, 200],
      ],
    })
  );
  const rows: Array<EvalRow | EvalFailure> = [];
  const summary = await evaluateDataset(counter, await findSamples(root), { margin: DEFAULT_TILE_MARGIN, referenceEval: false, onImage: (r) => rows.push(r) });
  const [empty, two] = rows as EvalRow[];
  expect(empty).toMatchObject({ heads: 0, truth: 0, psnr: null, ssim: null, groundTruth: 'computed', tiles: 1 });
  expect(two).toMatchObject({ heads: 2, truth: 2 });
  // The same photo, so the same prediction.
  expect(two.count).toBe(empty.count);
  expect(summary).toMatchObject({ images: 2, failed: 0, naeExcluded: 1, densityImages: 1, psnr: two.psnr, ssim: two.ssim });
  expect(summary.mae).toBeCloseTo((Math.abs(empty.count) + Math.abs(two.count - 2)) / 2, 12);
  expect(summary.nae).toBeCloseTo(Math.abs(two.count - 2) / 2, 12);
  expect(summary.game[0]).toBeCloseTo(summary.mae, 12);
});

test('images are evaluated in stored pixel order, as annotated: an EXIF rotation tag is ignored', async () => {
  const root = mkdtempSync(join(tmpdir(), 'crowd-eval-exif-'));
  mkdirSync(join(root, 'images'));
  mkdirSync(join(root, 'jsons'));
  // Stored 320×240 with orientation 6: a viewer shows it 240×320.
  await sharp(fixture('shanghaitech-mini', 'part_B', 'test_data', 'images', 'IMG_1.jpg'))
    .withMetadata({ orientation: 6 })
    .jpeg()
    .toFile(join(root, 'images', '0001.jpg'));
  writeFileSync(join(root, 'jsons', '0001.json'), JSON.stringify({ human_num: 1, points: [[300, 20]] }));
  const rows: Array<EvalRow | EvalFailure> = [];
  await evaluateDataset(counter, await findSamples(root), { margin: DEFAULT_TILE_MARGIN, referenceEval: false, onImage: (r) => rows.push(r) });
  expect(rows[0]).toMatchObject({ width: 320, height: 240, heads: 1 });
});
