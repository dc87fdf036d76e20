import { FIELD_LABELS } from '@crowd/metrics';
import type { EvalFailure, EvalRow, EvalSummary } from './evaluate-dataset.js';

/** One text line per image: the predicted count, what it is compared with, and the error. */
export function evalRowLine(row: EvalRow | EvalFailure, name: string): string {
  if ('error' in row) return `${name}  FAILED: ${row.error}`;
  const error = row.count - row.truth;
  return `${name}  count ${row.count.toFixed(2)}  truth ${Number.isInteger(row.truth) ? row.truth : row.truth.toFixed(2)}  error ${
    error >= 0 ? '+' : ''
  }${error.toFixed(2)}`;
}

const fixed = (v: number | null, digits: number): string => (v === null ? 'n/a' : v.toFixed(digits));

/** The summary table: the paper's metrics (MSE is the root mean squared error, as the field labels it), then the density quality. */
export function summaryTable(s: EvalSummary): string {
  const against = s.truth === 'annotated' ? 'the annotated head counts' : "the sums of the reference's bicubic 1/8 targets (train.py's validation)";
  const rows: Array<[string, string, string]> = [
    [FIELD_LABELS.mae, fixed(s.mae, 3), ''],
    [FIELD_LABELS.rmse, fixed(s.mse, 3), 'root mean squared error, as papers print "MSE"'],
    [FIELD_LABELS.nae, fixed(s.nae, 4), s.naeExcluded > 0 ? `${s.naeExcluded} image(s) without heads left out` : ''],
    ...s.game.map((g, level): [string, string, string] => [`GAME(${level})`, fixed(g, 3), level === 0 ? 'vs annotated points; 4^L regions' : '']),
    ['PSNR', s.psnr === null ? 'n/a' : `${s.psnr.toFixed(2)} dB`, `1/8 density vs sum-pooled ground truth, ${s.densityImages} image(s)`],
    ['SSIM', fixed(s.ssim, 4), ''],
  ];
  const width = Math.max(...rows.map((r) => r[1].length));
  const lines = [
    `${s.images} images${s.failed > 0 ? ` (${s.failed} failed)` : ''} in ${s.seconds.toFixed(1)} s, counts compared with ${against}`,
    ...rows.map(([label, value, note]) => `  ${label.padEnd(8)} ${value.padStart(width)}${note ? `  ${note}` : ''}`),
  ];
  return lines.join('\n');
}
