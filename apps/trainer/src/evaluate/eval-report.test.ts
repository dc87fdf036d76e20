import { describe, expect, test } from 'vitest';
import type { EvalRow, EvalSummary } from './evaluate-dataset.ts';
import { evalRowLine, summaryTable } from './eval-report.ts';

const summary: EvalSummary = {
  images: 13,
  failed: 1,
  truth: 'annotated',
  mae: 12.3456,
  mse: 15.6789,
  nae: 0.123456,
  naeExcluded: 2,
  game: [12.3456, 14, 16.5, 20.25],
  psnr: 21.234,
  ssim: 0.56789,
  densityImages: 11,
  seconds: 3.21,
};

describe('eval report', () => {
  test("the summary table: the papers' labels (MSE is the RMSE), GAME(0…3), PSNR and SSIM", () => {
    expect(summaryTable(summary)).toBe(
      [
        '13 images (1 failed) in 3.2 s, counts compared with the annotated head counts',
        '  MAE        12.346',
        '  MSE        15.679  root mean squared error, as papers print "MSE"',
        '  NAE        0.1235  2 image(s) without heads left out',
        '  GAME(0)    12.346  vs annotated points; 4^L regions',
        '  GAME(1)    14.000',
        '  GAME(2)    16.500',
        '  GAME(3)    20.250',
        '  PSNR     21.23 dB  1/8 density vs sum-pooled ground truth, 11 image(s)',
        '  SSIM       0.5679',
      ].join('\n')
    );
    expect(summaryTable({ ...summary, truth: 'reference-target', psnr: null, ssim: null, nae: null })).toContain(
      "compared with the sums of the reference's bicubic 1/8 targets"
    );
  });

  test('per-image lines: count, truth, signed error; failures by name', () => {
    const row = { count: 101.234, truth: 120, heads: 120 } as EvalRow;
    expect(evalRowLine(row, 'part_A/IMG_1.jpg')).toBe('part_A/IMG_1.jpg  count 101.23  truth 120  error -18.77');
    expect(evalRowLine({ ...row, truth: 99.5 }, 'a.jpg')).toBe('a.jpg  count 101.23  truth 99.50  error +1.73');
    expect(evalRowLine({ image: '/x/a.jpg', error: '/x/GT_a.mat: missing' }, 'a.jpg')).toBe('a.jpg  FAILED: /x/GT_a.mat: missing');
  });
});
