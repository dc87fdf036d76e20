import { MetricsError } from './errors.js';

/** Dataset-level counting errors over `n` images. */
export interface CountResult {
  /** Number of images added. */
  n: number;
  /** Mean absolute error: MAE = (1/n) Σ |ŷᵢ − yᵢ|. */
  mae: number;
  /**
   * Root mean squared error: RMSE = √((1/n) Σ (ŷᵢ − yᵢ)²). Crowd-counting
   * papers print this value under the heading "MSE" (CSRNet; DM-Count computes
   * `np.sqrt(np.mean(np.square(errs)))`); {@link FIELD_LABELS} gives that label.
   */
  rmse: number;
  /**
   * Normalised absolute error over the images that have heads:
   * NAE = (1/m) Σ_{yᵢ > 0} |ŷᵢ − yᵢ| / yᵢ, m = n − naeExcluded.
   * `null` when every image had y = 0 (the mean of nothing).
   */
  nae: number | null;
  /** Images left out of NAE because their true count is 0 (|ŷ − y| / y is undefined there). */
  naeExcluded: number;
}

/**
 * How reports label each {@link CountResult} field. The field's "MSE" is the
 * RMSE value, so a table printed with these labels reads like the papers'.
 */
export const FIELD_LABELS = { mae: 'MAE', rmse: 'MSE', nae: 'NAE' } as const;

/**
 * Streaming MAE / RMSE / NAE over (predicted count, true count) pairs, one per
 * image, so an evaluation loop never has to keep the counts.
 *
 * @example
 * const m = new CountMetrics();
 * m.add(47, 50);
 * m.result(); // { n: 1, mae: 3, rmse: 3, nae: 0.06, naeExcluded: 0 }
 */
export class CountMetrics {
  #n = 0;
  #sumAbs = 0;
  #sumSq = 0;
  #sumRel = 0;
  #zeroTruth = 0;

  /**
   * Adds one image. `predictedCount` may be negative (a raw model sum);
   * `trueCount` must be ≥ 0.
   */
  add(predictedCount: number, trueCount: number): void {
    if (!Number.isFinite(predictedCount)) {
      throw new MetricsError('NOT_FINITE', `predictedCount must be finite, got ${predictedCount} (image ${this.#n})`);
    }
    if (!Number.isFinite(trueCount)) {
      throw new MetricsError('NOT_FINITE', `trueCount must be finite, got ${trueCount} (image ${this.#n})`);
    }
    if (trueCount < 0) {
      throw new MetricsError('NEGATIVE_COUNT', `trueCount must be ≥ 0, got ${trueCount} (image ${this.#n})`);
    }
    const abs = Math.abs(predictedCount - trueCount);
    this.#n++;
    this.#sumAbs += abs;
    this.#sumSq += abs * abs;
    if (trueCount > 0) this.#sumRel += abs / trueCount;
    else this.#zeroTruth++;
  }

  /** The metrics so far; throws `EMPTY` before the first `add`. */
  result(): CountResult {
    const n = this.#n;
    if (n === 0) throw new MetricsError('EMPTY', 'CountMetrics.result() needs at least one image; none was added');
    const withHeads = n - this.#zeroTruth;
    return {
      n,
      mae: this.#sumAbs / n,
      rmse: Math.sqrt(this.#sumSq / n),
      nae: withHeads === 0 ? null : this.#sumRel / withHeads,
      naeExcluded: this.#zeroTruth,
    };
  }
}

/** {@link CountMetrics} over two equal-length arrays of per-image counts. */
export function countMetrics(predicted: ArrayLike<number>, truth: ArrayLike<number>): CountResult {
  if (predicted.length !== truth.length) {
    throw new MetricsError('SIZE_MISMATCH', `predicted has ${predicted.length} counts but truth has ${truth.length}`);
  }
  const m = new CountMetrics();
  for (let i = 0; i < predicted.length; i++) m.add(predicted[i], truth[i]);
  return m.result();
}
