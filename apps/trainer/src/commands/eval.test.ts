import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '@crowd/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { copyMiniShanghaiTech, crowd } from '../../test/cli.ts';
import { prepareDataset } from '../prepare/prepare-dataset.ts';
import type { EvalRow } from '../evaluate/evaluate-dataset.js';

const WEIGHTS = fixture('csrnet', 'zip', 'model_best.pth.tar');

interface ExpectedImage {
  image: string;
  number_in_mat: number;
  target8_sum: number;
}
const expected = (JSON.parse(readFileSync(fixture('shanghaitech-mini-expected', 'expected.json'), 'utf8')) as { images: ExpectedImage[] }).images;

function parse(stdout: string): { rows: EvalRow[]; summary: Record<string, any> } {
  const lines = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return { rows: lines.slice(0, -1), summary: lines.at(-1).summary };
}

/** The mini ShanghaiTech tree, copied and prepared (default settings: preserving, per-part kernels). */
let prepared: string;
let run: { rows: EvalRow[]; summary: Record<string, any> };
beforeAll(async () => {
  prepared = copyMiniShanghaiTech();
  await prepareDataset(prepared, { jobs: 1 });
  const result = await crowd(['eval', '--weights', WEIGHTS, '--data', prepared, '--backend', 'wasm', '--json']);
  expect(result.stderr).toBe('crowd eval: counting with tfjs (wasm)\n');
  expect(result.code).toBe(0);
  run = parse(result.stdout);
});

describe('crowd eval', () => {
  test('MAE, MSE (= RMSE) and NAE equal what the per-image counts and the annotated head counts give; GAME(0) = MAE', () => {
    const { rows, summary } = run;
    expect(rows).toHaveLength(expected.length);
    let abs = 0;
    let sq = 0;
    let rel = 0;
    for (const e of expected) {
      const row = rows.find((r) => r.image === join(prepared, e.image))!;
      expect(row).toMatchObject({ heads: e.number_in_mat, truth: e.number_in_mat, groundTruth: 'h5' });
      const err = row.count - e.number_in_mat;
      abs += Math.abs(err);
      sq += err * err;
      rel += Math.abs(err) / e.number_in_mat;
      expect(row.game[0]).toBeCloseTo(Math.abs(err), 9);
      expect(row.game).toHaveLength(4);
      expect(Number.isFinite(row.psnr!) && Number.isFinite(row.ssim!)).toBe(true);
    }
    const n = expected.length;
    expect(summary).toMatchObject({ images: n, failed: 0, truth: 'annotated', naeExcluded: 0, densityImages: n });
    expect(summary.mae).toBeCloseTo(abs / n, 9);
    expect(summary.mse).toBeCloseTo(Math.sqrt(sq / n), 9);
    expect(summary.nae).toBeCloseTo(rel / n, 9);
    expect(summary.game[0]).toBeCloseTo(summary.mae, 9);
    expect(summary.psnr).toBeCloseTo(rows.reduce((s, r) => s + r.psnr!, 0) / n, 9);
    expect(summary.ssim).toBeCloseTo(rows.reduce((s, r) => s + r.ssim!, 0) / n, 9);
  });

  test("the counts are crowd count's for the same images", async () => {
    const counted = await crowd(['count', prepared, '--weights', WEIGHTS, '--backend', 'wasm', '--json']);
    const counts = new Map(
      counted.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .map((r) => [r.image, r.count])
    );
    for (const row of run.rows) expect(counts.get(row.image)).toBe(row.count);
  });

  test('without prepared .h5 files the ground truth is computed with the same per-part defaults: the same PSNR and SSIM', async () => {
    const bare = copyMiniShanghaiTech();
    const result = await crowd(['eval', '--weights', WEIGHTS, '--data', bare, '--backend', 'wasm', '--json']);
    const { rows } = parse(result.stdout);
    for (const [i, row] of rows.entries()) {
      expect(row.groundTruth).toBe('computed');
      expect(row.psnr).toBeCloseTo(run.rows[i].psnr!, 6);
      expect(row.ssim).toBeCloseTo(run.rows[i].ssim!, 6);
    }
  });

  test('the text summary table labels RMSE "MSE" and prints the same numbers', async () => {
    const text = await crowd(['eval', '--weights', WEIGHTS, '--data', prepared, '--backend', 'wasm']);
    expect(text.code).toBe(0);
    const { summary } = run;
    expect(text.stdout).toContain(`${expected.length} images in `);
    expect(text.stdout).toMatch(new RegExp(`\\n  MAE +${summary.mae.toFixed(3)}\\n`));
    expect(text.stdout).toMatch(new RegExp(`\\n  MSE +${summary.mse.toFixed(3)}  root mean squared error`));
    expect(text.stdout).toMatch(new RegExp(`\\n  GAME\\(3\\) +${summary.game[3].toFixed(3)}\\n`));
    expect(text.stdout).toMatch(new RegExp(`\\n  PSNR +${summary.psnr.toFixed(2)} dB`));
    expect(text.stdout).toMatch(new RegExp(`\\n  SSIM +${summary.ssim.toFixed(4)}\\n`));
    expect(text.stdout).toContain(`part_B/test_data/images/IMG_1.jpg  count `);
  });

  test("--reference-eval with the reference's .h5 files and a list file: the truth is the bicubic 1/8 target's sum", async () => {
    const result = await crowd([
      'eval',
      '--weights',
      WEIGHTS,
      '--data',
      fixture('shanghaitech-mini', 'part_A_test.json'),
      '--backend',
      'wasm',
      '--json',
      '--reference-eval',
    ]);
    expect(result.code).toBe(0);
    const { rows, summary } = parse(result.stdout);
    expect(rows).toHaveLength(3);
    let abs = 0;
    for (const row of rows) {
      const e = expected.find((x) => fixture('shanghaitech-mini', x.image) === row.image)!;
      expect(Math.abs(row.truth - e.target8_sum)).toBeLessThanOrEqual(1e-4 * e.target8_sum);
      abs += Math.abs(row.count - row.truth);
    }
    expect(summary).toMatchObject({ truth: 'reference-target' });
    expect(summary.mae).toBeCloseTo(abs / 3, 9);
  });

  test('a missing annotation fails its image by name; the others are evaluated; exit code 1', async () => {
    const root = copyMiniShanghaiTech();
    rmSync(join(root, 'part_B', 'test_data', 'ground-truth', 'GT_IMG_2.mat'));
    const result = await crowd(['eval', '--weights', WEIGHTS, '--data', join(root, 'part_B'), '--backend', 'wasm', '--json']);
    expect(result.code).toBe(1);
    const { rows, summary } = parse(result.stdout);
    expect(summary).toMatchObject({ images: 5, failed: 1 });
    const failure = rows.find((r) => 'error' in r) as unknown as { image: string; error: string };
    expect(failure.image).toBe(join(root, 'part_B', 'test_data', 'images', 'IMG_2.jpg'));
    expect(failure.error).toContain('GT_IMG_2.mat');
  });

  test('--help documents every option', async () => {
    const help = await crowd(['eval', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--weights', '--data', '--variant', '--backend', '--reference-eval', '--json', '--tile', '--tile-margin', '--offline'])
      expect(help.stdout).toContain(flag);
  });

  test('--weights takes a registry id; --offline with it not cached: exit code 2 saying what to download and where', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'crowd-eval-offline-'));
    const run = await crowd(['eval', '--weights', 'csrnet-shb-lwcc', '--data', fixture('shanghaitech-mini', 'part_B_test.json'), '--offline'], {
      env: { CROWD_CACHE_DIR: cache, CROWD_MODELS_MIRROR: undefined },
    });
    expect([run.code, run.stderr]).toEqual([
      2,
      `crowd: csrnet-shb-lwcc is not in the cache; offline, it cannot be downloaded: download https://github.com/tersekmatija/lwcc_weights/releases/download/v0.1/CSRNet_SHB.pth by hand and save it as ${join(cache, 'models', 'csrnet-shb-lwcc', 'CSRNet_SHB.pth')}\n`,
    ]);
  });
});
