/** Stable machine-readable codes for every error @crowd/csrnet throws. */
export type CsrnetErrorCode =
  | 'WEIGHTS_FORMAT'
  | 'WEIGHTS_MISMATCH'
  /** A weight is NaN or ±Infinity: the file is corrupt, or the run that wrote it diverged. */
  | 'WEIGHTS_NOT_FINITE'
  /** A model file asks for more than a `ModelFileLimits` budget allows (see the package README). */
  | 'LIMIT_EXCEEDED'
  | 'PICKLE_UNSUPPORTED'
  | 'CONFIG_INVALID'
  | 'BACKEND_UNAVAILABLE'
  | 'INPUT_INVALID'
  /** A call needs an optional peer dependency that is not installed; the message says what to install. */
  | 'DEPENDENCY_MISSING'
  /** The bytes are not an ONNX model, or not a CSRNet one written by this package (no `crowd.csrnet` metadata). */
  | 'ONNX_FORMAT'
  /** An input would make a tensor larger than the GPU device can bind (checked before running). */
  | 'DEVICE_LIMIT'
  /** The GPU device reported an error or was lost: results computed on it are not trustworthy. */
  | 'DEVICE_ERROR'
  /** A synchronous read (`dataSync`, `arraySync`) of GPU data where only asynchronous reads exist (webgpu in Node). */
  | 'SYNC_READ_UNSUPPORTED';

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

/**
 * A model file that asks for more than a `ModelFileLimits` budget allows
 * (code `LIMIT_EXCEEDED`): `option` names the budget to raise, `limit` is its
 * value and `needed` what the file asks for (at least: readers stop counting
 * once over). The message says the same and what to do.
 */
export class CsrnetLimitError extends CsrnetError {
  override name = 'CsrnetLimitError';
  readonly option: string;
  readonly limit: number;
  readonly needed: number;

  constructor(file: string | undefined, detail: { option: string; limit: number; needed: number; message: string }) {
    super('LIMIT_EXCEEDED', file, detail.message);
    this.option = detail.option;
    this.limit = detail.limit;
    this.needed = detail.needed;
  }
}
