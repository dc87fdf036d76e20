/** Stable machine-readable codes for every error @crowd/csrnet throws. */
export type CsrnetErrorCode =
  | 'WEIGHTS_FORMAT'
  | 'WEIGHTS_MISMATCH'
  | 'PICKLE_UNSUPPORTED'
  | 'CONFIG_INVALID'
  | 'BACKEND_UNAVAILABLE'
  | 'INPUT_INVALID';

/**
 * The one error class this package throws for bad input. `file` names the file
 * at fault (when there is one) and the message says what was expected and found.
 */
export class CsrnetError extends Error {
  override name = 'CsrnetError';
  readonly code: CsrnetErrorCode;
  readonly file: string | undefined;

  constructor(code: CsrnetErrorCode, file: string | undefined, message: string, options?: { cause?: unknown }) {
    super(file === undefined ? message : `${file}: ${message}`, options);
    this.code = code;
    this.file = file;
  }
}
