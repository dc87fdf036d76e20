import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect, test } from 'vitest';
import type { EpochRecord } from '../records.js';
import { JsonlLog } from './jsonl-log.js';
import { writeCurve } from './write-curve.js';

test('writeCurve draws the epochs of a log.jsonl as a 960×400 PNG', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crowd-curve-'));
  const log = new JsonlLog(join(dir, 'log.jsonl'));
  const maes = [40, 25, 31, 18];
  maes.forEach((valMae, i) => {
    const epoch: EpochRecord = { type: 'epoch', epoch: i + 1, epochs: 4, step: 9 * (i + 1), loss: 100 / (i + 1), valMae, valRmse: valMae * 1.2, best: i !== 2, bestMae: Math.min(...maes.slice(0, i + 1)), bestEpoch: i === 2 ? 2 : i + 1, seconds: 3 };
    log.append({ type: 'step', epoch: i + 1, step: 9 * i + 1, batch: 1, batches: 9, loss: 5, lr: 1e-6, images: 1, imagesPerSecond: 2 });
    log.append(epoch);
  });
  log.close();
  const png = join(dir, 'curve.png');
  expect(await writeCurve(join(dir, 'log.jsonl'), png)).toBe(4);
  const bytes = readFileSync(png);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  const meta = await sharp(bytes).metadata();
  expect([meta.width, meta.height, meta.format]).toEqual([960, 400, 'png']);
  // Both series are drawn: the image holds the loss blue and the MAE red.
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let blue = 0;
  let red = 0;
  for (let i = 0; i < info.width * info.height; i++) {
    const [r, g, b] = [data[3 * i], data[3 * i + 1], data[3 * i + 2]];
    if (Math.abs(r - 0x1f) < 12 && Math.abs(g - 0x77) < 12 && Math.abs(b - 0xb4) < 12) blue += 1;
    if (Math.abs(r - 0xd6) < 12 && Math.abs(g - 0x27) < 12 && Math.abs(b - 0x28) < 12) red += 1;
  }
  expect(blue).toBeGreaterThan(300);
  expect(red).toBeGreaterThan(300);
});
