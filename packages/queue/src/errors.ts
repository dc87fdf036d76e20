/** Stable machine-readable codes for every error @crowd/queue throws or records on a failed job. */
export type QueueErrorCode =
  /** Redis could not be reached (or went away for longer than the commands wait); the message names the URL. */
  | 'REDIS_UNAVAILABLE'
  /** An option or argument out of range: a bad URL, a bad concurrency, an unknown queue setting. */
  | 'INPUT_INVALID'
  /** An image could not be read where the job says it is (a path not on this machine's shared storage, a permission). */
  | 'IMAGE_UNREADABLE'
  /** The bytes are not a JPEG, PNG or WebP picture the counter can take (corrupt, truncated, too small, too many pixels). */
  | 'BAD_IMAGE'
  /** An image is larger than the limit for carrying its bytes in Redis (`--embed`) or in an HTTP request. */
  | 'IMAGE_TOO_LARGE'
  /** The image's bytes no longer hash to the digest its job id was made from: the file changed after it was queued. */
  | 'IMAGE_CHANGED'
  /** A job did not finish within the time a caller waits (the HTTP front's time-out). */
  | 'TIMEOUT'
  /** A job failed after its retries; the message is its recorded reason. */
  | 'JOB_FAILED';

/**
 * The one error class this package throws. The message names the thing at
 * fault (the Redis URL, the image, the option) and says what was expected
 * and what was found. On a failed job the reason BullMQ records is
 * `<code>: <message>` (see {@link failedReason}), so status listings and the
 * HTTP front can tell a bad image from a crash.
 */
export class QueueError extends Error {
  override name = 'QueueError';
  readonly code: QueueErrorCode;

  constructor(code: QueueErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * The failed-job reason for an error, on one line: `BAD_IMAGE: a.jpg: cannot
 * decode …` (other errors keep their message). libvips reports a corrupt
 * JPEG in several, often repeated, lines: those are de-duplicated and
 * joined with "; ", so every status listing is one line per job.
 */
export function failedReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const message = [...new Set(text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean))].join('; ');
  return error instanceof QueueError ? `${error.code}: ${message}` : message;
}

const CODES: ReadonlySet<string> = new Set<QueueErrorCode>([
  'REDIS_UNAVAILABLE',
  'INPUT_INVALID',
  'IMAGE_UNREADABLE',
  'BAD_IMAGE',
  'IMAGE_TOO_LARGE',
  'IMAGE_CHANGED',
  'TIMEOUT',
  'JOB_FAILED',
]);

/** The code a recorded failed-job reason starts with, or undefined for other failures (a crash, a stall). */
export function reasonCode(reason: string): QueueErrorCode | undefined {
  const code = /^([A-Z_]+): /.exec(reason)?.[1];
  return code !== undefined && CODES.has(code) ? (code as QueueErrorCode) : undefined;
}
