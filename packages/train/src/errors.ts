/** Stable machine-readable codes for every error @crowd/train throws. */
export type TrainErrorCode =
  /** An option is missing, of the wrong type or out of range; or a resumed run was given settings that differ from its checkpoint's. */
  | 'CONFIG_INVALID'
  /** An image has no prepared density `.h5` where one is needed (run `crowd prepare` first). */
  | 'DENSITY_MISSING'
  /** A validation image has no head annotation to count against. */
  | 'ANNOTATION_MISSING'
  /** An image and its density map disagree in size, or an image is too small for the crop. */
  | 'DATA_INVALID'
  /** A loss, weight or prediction became NaN or infinite; the last good checkpoint is kept. */
  | 'NON_FINITE'
  /** A checkpoint folder is incomplete, unreadable or from another format version. */
  | 'CHECKPOINT_INVALID'
  /** A worker thread threw, crashed or exited while computing a step or a validation count; the weights were not updated. */
  | 'WORKER_FAILED';

/**
 * The one error class this package throws. `file` names the file at fault
 * when there is one; the message says what was expected and what was found.
 */
export class TrainError extends Error {
  override name = 'TrainError';
  readonly code: TrainErrorCode;
  readonly file: string | undefined;

  constructor(code: TrainErrorCode, message: string, options?: { file?: string; cause?: unknown }) {
    super(options?.file === undefined ? message : `${options.file}: ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.file = options?.file;
  }
}

/** Renders a value for an error message: strings quoted, objects as JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
