/** Stable machine-readable codes for every dataset error. */
export type DatasetErrorCode =
  | 'MAT_FORMAT'
  | 'MAT_TRUNCATED'
  | 'MAT_UNSUPPORTED'
  | 'ANNOTATION_FORMAT'
  | 'ANNOTATION_MISSING'
  | 'DENSITY_FORMAT'
  | 'IMAGE_FORMAT'
  | 'LIST_FORMAT'
  | 'DATASET_LAYOUT'
  | 'LIMIT_EXCEEDED'
  | 'WRITE_FAILED'
  | 'INVALID_OPTION';

/**
 * The one error class this package throws for bad input. `file` names the file
 * at fault and the message says what was expected and what was found.
 */
export class DatasetError extends Error {
  override name = 'DatasetError';
  readonly code: DatasetErrorCode;
  /** Path (or caller-supplied name) of the file at fault. */
  readonly file: string | undefined;

  constructor(code: DatasetErrorCode, file: string | undefined, message: string, options?: { cause?: unknown }) {
    super(file === undefined ? message : `${file}: ${message}`, options);
    this.code = code;
    this.file = file;
  }
}

/** A malformed, truncated or unsupported MAT-file; `offset` is the byte where reading failed. */
export class MatFormatError extends DatasetError {
  override name = 'MatFormatError';
  readonly offset: number;

  constructor(code: 'MAT_FORMAT' | 'MAT_TRUNCATED' | 'MAT_UNSUPPORTED', file: string | undefined, offset: number, message: string, options?: { cause?: unknown }) {
    super(code, file, `${message} (at byte offset ${offset})`, options);
    this.offset = offset;
  }
}

/**
 * An input larger than a resource budget allows (pixels to decode, bytes to
 * inflate, values to allocate). The input may be valid: `option` names the
 * reader option that raises the budget, and the message says by how much it
 * was exceeded.
 */
export class LimitExceededError extends DatasetError {
  override name = 'LimitExceededError';
  /** The option that sets the budget, e.g. `'maxPixels'`. */
  readonly option: string;
  /** The budget in force. */
  readonly limit: number;
  /** What the input needs (at least: readers stop counting once over). */
  readonly needed: number;

  constructor(file: string | undefined, detail: { option: string; limit: number; needed: number; message: string }, options?: { cause?: unknown }) {
    super('LIMIT_EXCEEDED', file, detail.message, options);
    this.option = detail.option;
    this.limit = detail.limit;
    this.needed = detail.needed;
  }
}
