/** Stable machine-readable codes for every error @crowd/count throws. */
export type CountErrorCode =
  /** An image (or option) the counter cannot take: too small, wrong byte length, bad tiling. */
  | 'INPUT_INVALID'
  /** The model produced NaN or ±Infinity: its weights or the engine are broken; never reported as a count. */
  | 'NON_FINITE_COUNT'
  /** No engine could be started, or the one asked for is not installed. */
  | 'ENGINE_UNAVAILABLE'
  /** The engine ran but returned something that is not a CSRNet density for this input. */
  | 'ENGINE_OUTPUT'
  /** No model of that id in the registry. */
  | 'MODEL_UNKNOWN'
  /** A registry model is not in the cache and cannot be downloaded now (offline, or one fetched by hand); the message says what to download and where to put it. */
  | 'MODEL_MISSING'
  /** A download failed (no network, an HTTP error, a transfer that kept breaking off); the message says what to download by hand and where to put it. */
  | 'MODEL_DOWNLOAD'
  /** A downloaded or cached model file is not the one the registry or the first download recorded (size or SHA-256). */
  | 'MODEL_CORRUPT'
  /** Another process is downloading the same model into the same cache. */
  | 'MODEL_BUSY';

/**
 * The one error class this package throws for bad input or a broken model.
 * `source` names the image or model at fault when there is one, and the
 * message says what was expected and found.
 */
export class CountError extends Error {
  override name = 'CountError';
  readonly code: CountErrorCode;
  readonly source: string | undefined;

  constructor(code: CountErrorCode, source: string | undefined, message: string, options?: { cause?: unknown }) {
    super(source === undefined ? message : `${source}: ${message}`, options);
    this.code = code;
    this.source = source;
  }
}
