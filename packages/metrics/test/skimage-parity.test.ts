/**
 * Parity with independently computed values: PSNR/SSIM from scikit-image 0.19,
 * GAME/MAE/RMSE/NAE from plain Python loops (test/fixtures/make_fixtures.py).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readNpy } from '@crowd/test-utils';
import { describe, expect, test } from 'vitest';
import { countMetrics, type CountResult, type DensityMap, DensityQuality, GameMetrics, gameErrors, psnr, ssim, type SsimOptions } from '../src/index.js';

interface Pair {
  name: string;
  height: number;
  width: number;
  dtype: string;
  points: number[];
  pred8Shape: [number, number];
  psnr: { options: { dataRange: number }; value: number }[];
  ssim: { options: SsimOptions; skimage: string; value: number }[];
  game: number[];
  game8: number[];
}

interface Expected {
  counts: { pred: number[]; truth: number[]; expected: CountResult };
  pairs: Pair[];
}

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const expected = JSON.parse(readFileSync(fixture('expected.json'), 'utf8')) as Expected;

function load(pair: Pair, kind: 'pred' | 'truth' | 'pred8'): DensityMap {
  const npy = readNpy(fixture(`pair-${pair.name}-${kind}.npy`));
  if (npy.dtype === '|u1') throw new Error(`${kind}: unexpected dtype`);
  return { height: npy.shape[0], width: npy.shape[1], data: npy.data as Float32Array | Float64Array };
}

/** |actual − expected| ≤ 1e-6·|expected| (GAME values of 0 would need an absolute bound; none is 0). */
function expectRelative(actual: number, want: number, what: string): void {
  expect(Math.abs(actual - want), `${what}: ${actual} vs ${want}`).toBeLessThanOrEqual(1e-6 * Math.abs(want));
}

describe.each(expected.pairs)('pair $name ($height×$width, $dtype)', (pair) => {
  const pred = load(pair, 'pred');
  const truth = load(pair, 'truth');
  const image = { height: pair.height, width: pair.width };
  const points = Float64Array.from(pair.points);

  test('PSNR matches peak_signal_noise_ratio', () => {
    for (const c of pair.psnr) expectRelative(psnr(pred, truth, c.options), c.value, `psnr ${JSON.stringify(c.options)}`);
  });

  test('SSIM matches structural_similarity', () => {
    for (const c of pair.ssim) expectRelative(ssim(pred, truth, c.options), c.value, `ssim(${c.skimage})`);
  });

  test('GAME(0..3) matches, at full and at 1/8 resolution', () => {
    gameErrors(pred, points, image).forEach((v, level) => expectRelative(v, pair.game[level], `GAME(${level})`));
    const pred8 = load(pair, 'pred8');
    expect([pred8.height, pred8.width]).toEqual(pair.pred8Shape);
    gameErrors(pred8, points, image).forEach((v, level) => expectRelative(v, pair.game8[level], `GAME(${level}) at 1/8`));
  });
});

test('the accumulators average the per-image reference values', () => {
  const game = new GameMetrics();
  const quality = new DensityQuality({ gaussianWeights: true });
  for (const pair of expected.pairs) {
    game.add(load(pair, 'pred'), Float64Array.from(pair.points), pair);
    quality.add(load(pair, 'pred'), load(pair, 'truth'));
  }
  const n = expected.pairs.length;
  const mean = (pick: (p: Pair) => number) => expected.pairs.reduce((sum, p) => sum + pick(p), 0) / n;
  const g = game.result();
  expect(g.n).toBe(n);
  g.game.forEach((v, level) => expectRelative(v, mean((p) => p.game[level]), `mean GAME(${level})`));
  // Case 2 of each pair is the paper-style Gaussian SSIM with R = the truth's range, the accumulator's defaults.
  const q = quality.result();
  expectRelative(q.ssim, mean((p) => p.ssim[2].value), 'mean SSIM');
  expectRelative(q.psnr, mean((p) => p.psnr[0].value), 'mean PSNR');
});

test('MAE, RMSE and NAE match numpy', () => {
  const { pred, truth, expected: want } = expected.counts;
  const got = countMetrics(pred, truth);
  expect(got.n).toBe(want.n);
  expect(got.naeExcluded).toBe(want.naeExcluded);
  expectRelative(got.mae, want.mae, 'mae');
  expectRelative(got.rmse, want.rmse, 'rmse');
  expectRelative(got.nae ?? Number.NaN, want.nae ?? Number.NaN, 'nae');
});
