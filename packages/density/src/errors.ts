/** Stable machine-readable codes for every error @crowd/density throws. */
export type DensityErrorCode =
  | 'INVALID_OPTION'
  | 'INVALID_POINTS'
  | 'INVALID_SIZE'
  | 'INVALID_MAP'
  | 'POINT_OUT_OF_RANGE'
  | 'MAP_TOO_SMALL';

/**
 * The one error class this package throws for bad input. The message names
 * the argument or option at fault, what was expected and what was received.
 */
export class DensityError extends Error {
  override name = 'DensityError';
  readonly code: DensityErrorCode;

  constructor(code: DensityErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
