/** Stable machine-readable codes for every error @crowd/metrics throws. */
export type MetricsErrorCode =
  /** Two inputs that must match in size do not (map shapes, array lengths). */
  | 'SIZE_MISMATCH'
  /** A map's `data.length` is not `height × width`, a dimension is not a positive integer, or a point list has odd length. */
  | 'BAD_SHAPE'
  /** A value is NaN or ±Infinity. */
  | 'NOT_FINITE'
  /** A true head count is negative. */
  | 'NEGATIVE_COUNT'
  /** `result()` was asked for before any image was added. */
  | 'EMPTY'
  /** An option is out of its documented range. */
  | 'INVALID_OPTION'
  /** No `dataRange` was given and the ground truth is constant, so its range is 0. */
  | 'ZERO_DATA_RANGE'
  /** The image is smaller than the SSIM window or the finest GAME grid. */
  | 'IMAGE_TOO_SMALL';

/**
 * The one error class this package throws for bad input. The message names
 * the argument at fault and the values received.
 */
export class MetricsError extends Error {
  override name = 'MetricsError';
  readonly code: MetricsErrorCode;

  constructor(code: MetricsErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
