import { DatasetError, LimitExceededError } from '../errors.js';

const MiB = 1024 * 1024;

/**
 * Resource budgets of the MAT-file reader. Compressed data is only inflated
 * up to them, so a small crafted file (1 MB of zlib can hold 1 GB) costs at
 * most the budget in memory and time, and is refused with a
 * {@link LimitExceededError} naming the option to raise.
 */
export interface MatReadOptions {
  /**
   * Most bytes the compressed data of one file may inflate to, all elements
   * together: v5/v7 miCOMPRESSED elements, and the declared size of the v7.3
   * (HDF5) datasets read. The default holds 10⁶ heads with 8 float64 values
   * each (x, y and 6 attributes, the widest annotation format, JHU-Crowd++'s
   * `x y w h o b`, has 6); the most crowded images of the supported datasets
   * have about 25,000 heads.
   * @default 67108864 (64 MiB)
   */
  maxInflatedBytes?: number;
  /**
   * Most inflated bytes per compressed byte, for an element that inflates to
   * more than `ratioFreeBytes`. Coordinates stored as double compress about
   * 1.1–8:1; only repeated or zero-filled data reaches DEFLATE's 1032:1.
   * @default 100
   */
  maxInflateRatio?: number;
  /**
   * Inflated size up to which an element may expand at any ratio, so that a
   * small annotation that compresses extremely well (200,000 duplicated
   * clicks, 3.2 MB from 5 KB) still reads. 262,144 heads of x, y.
   * @default 4194304 (4 MiB)
   */
  ratioFreeBytes?: number;
}

/** {@link MatReadOptions} with every budget set. */
export type ResolvedMatReadOptions = Readonly<Required<MatReadOptions>>;

/** The budgets {@link readMat} and {@link parseMatV5} use when none are given. */
export const MAT_READ_DEFAULTS: ResolvedMatReadOptions = Object.freeze({
  maxInflatedBytes: 64 * MiB,
  maxInflateRatio: 100,
  ratioFreeBytes: 4 * MiB,
});

/**
 * Fills in the defaults and checks each budget is a positive number.
 *
 * @throws DatasetError INVALID_OPTION naming the option and the value.
 */
export function resolveMatReadOptions(options: MatReadOptions = {}): ResolvedMatReadOptions {
  const resolved = { ...MAT_READ_DEFAULTS };
  for (const key of Object.keys(MAT_READ_DEFAULTS) as (keyof MatReadOptions)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value > 0)) {
      throw new DatasetError('INVALID_OPTION', undefined, `MAT read option ${key} must be a positive number of bytes or a ratio; found ${String(value)}`);
    }
    resolved[key] = value;
  }
  return Object.freeze(resolved);
}

/**
 * What one file may still inflate to: the running total against
 * `maxInflatedBytes`, and each element against its own compressed size.
 */
export class InflationBudget {
  private used = 0;

  constructor(
    private readonly options: ResolvedMatReadOptions,
    private readonly source: string | undefined,
  ) {}

  /**
   * Accounts for `bytes` inflated from `compressedBytes` (what `what` names),
   * or throws before anything is inflated when they would exceed a budget.
   *
   * @throws LimitExceededError naming the budget and the option that sets it.
   */
  take(bytes: number, compressedBytes: number, what: string): void {
    const { maxInflatedBytes, maxInflateRatio, ratioFreeBytes } = this.options;
    if (this.used + bytes > maxInflatedBytes) {
      const before = this.used === 0 ? '' : `, which with the ${this.used} bytes inflated before it is`;
      throw new LimitExceededError(this.source, {
        option: 'maxInflatedBytes',
        limit: maxInflatedBytes,
        needed: this.used + bytes,
        message: `${what} declares ${bytes} bytes inflated${before}${before ? '' : ','} over the budget of ${maxInflatedBytes} bytes per file (MAT read option maxInflatedBytes)`,
      });
    }
    if (bytes > ratioFreeBytes && bytes > compressedBytes * maxInflateRatio) {
      throw new LimitExceededError(this.source, {
        option: 'maxInflateRatio',
        limit: maxInflateRatio,
        needed: bytes / compressedBytes,
        message: `${what} inflates ${compressedBytes} bytes to ${bytes}, a ratio of ${(bytes / compressedBytes).toFixed(0)}:1; above ${ratioFreeBytes} bytes at most ${maxInflateRatio}:1 is read (MAT read options maxInflateRatio, ratioFreeBytes)`,
      });
    }
    this.used += bytes;
  }
}
