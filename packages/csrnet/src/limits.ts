import { csrnetParameterSpecs } from './architecture.js';
import { CSRNET_CONFIG_DEFAULTS } from './config.js';
import { CsrnetError, CsrnetLimitError } from './errors.js';

/** Parameters of the largest standard CSRNet (width divisor 1): 16,263,489. */
export const CSRNET_MAX_PARAMETERS = csrnetParameterSpecs(CSRNET_CONFIG_DEFAULTS).reduce((n, spec) => n + spec.shape.reduce((a, b) => a * b, 1), 0);

/**
 * How much a model file may make the loaders allocate; the package README's
 * "Resource limits" section explains each budget. Model files come from
 * shared drives and the internet, so a few hundred bytes must not be able to
 * ask for gigabytes. Every field is optional; the defaults are
 * {@link MODEL_FILE_LIMITS}, sized so that every genuine CSRNet or VGG-16
 * file loads with room to spare.
 */
export interface ModelFileLimits {
  /**
   * Largest file read (checkpoint, `.h5`, or a tfjs model's weight files together), in bytes.
   * The largest genuine one is torchvision's VGG-16 at 528 MB.
   * @default 1 GiB
   */
  maxFileBytes?: number;
  /** Largest `model.json` or `csrnet-weights/1` manifest, in bytes; genuine ones are a few kB. @default 16 MiB */
  maxJsonBytes?: number;
  /**
   * float32 values a file may yield beyond the elements it stores: all
   * tensors together, counting each view that repeats stored elements (stride
   * 0, overlapping strides, a storage viewed twice) and, for HDF5, any
   * dataset. A genuine checkpoint needs none.
   * @default CSRNET_MAX_PARAMETERS, the largest CSRNet's parameter count
   */
  maxExtraElements?: number;
  /**
   * Zip checkpoints: the entries read may inflate to at most this many times
   * the file's size (or 16 MiB, whichever is more). torch.save does not
   * compress; re-zipped float weights shrink by about 10%.
   * @default 16
   */
  maxInflationRatio?: number;
  /** A pickle's own length (from its PROTO to its STOP); a genuine CSRNet one is about 10 kB. @default 16 MiB */
  maxPickleBytes?: number;
  /** Containers, strings and objects a pickle creates (about ten per tensor). @default 1,000,000 */
  maxPickleValues?: number;
  /** Values on the pickle stack at once (Python's pickler batches 1,000 items). @default 100,000 */
  maxPickleStack?: number;
  /** MARKs open at once (one per container being built; CPython nests at most about 1,000). @default 1,000 */
  maxPickleMarks?: number;
  /** Memo entries (PUT/MEMOIZE). @default 1,000,000 */
  maxPickleMemo?: number;
}

export type ResolvedModelFileLimits = Required<ModelFileLimits>;

export const MODEL_FILE_LIMITS: ResolvedModelFileLimits = Object.freeze({
  maxFileBytes: 2 ** 30,
  maxJsonBytes: 16 * 2 ** 20,
  maxExtraElements: CSRNET_MAX_PARAMETERS,
  maxInflationRatio: 16,
  maxPickleBytes: 16 * 2 ** 20,
  maxPickleValues: 1_000_000,
  maxPickleStack: 100_000,
  maxPickleMarks: 1_000,
  maxPickleMemo: 1_000_000,
});

/** What any zip checkpoint may inflate to, whatever its size and `maxInflationRatio`. */
export const MIN_INFLATED_BYTES = 16 * 2 ** 20;

/** Fills in the defaults; a limit that is not a positive number is a `CONFIG_INVALID` error. */
export function resolveModelFileLimits(limits: ModelFileLimits = {}): ResolvedModelFileLimits {
  const resolved = { ...MODEL_FILE_LIMITS };
  for (const [key, value] of Object.entries(limits) as Array<[keyof ModelFileLimits, unknown]>) {
    if (!(key in MODEL_FILE_LIMITS)) {
      throw new CsrnetError('CONFIG_INVALID', undefined, `limits.${key}: unknown limit; expected one of ${Object.keys(MODEL_FILE_LIMITS).join(', ')}`);
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value > 0) || Number.isNaN(value)) {
      throw new CsrnetError('CONFIG_INVALID', undefined, `limits.${key}: expected a positive number, got ${JSON.stringify(value)}`);
    }
    resolved[key] = value;
  }
  return resolved;
}

/** `1,677,721,600`: counts in messages. */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

/**
 * The error for a file that goes over a budget: `what` the file asks for
 * (`"the tensors need 1,677,721,600 float32 values"`), the limit by name and
 * value, then what to do. Genuine files stay far below every default, so the
 * advice is to distrust the file first; raising the limit is for callers
 * who know better.
 */
export function limitExceeded(
  source: string | undefined,
  what: string,
  option: keyof ModelFileLimits,
  limit: number,
  needed: number,
  advice = 'No genuine CSRNet or VGG-16 file does this: the file is damaged or was made to exhaust memory. ' +
    "If you trust it, load it in Python and re-save only the weights (torch.save(model.state_dict(), 'weights.pth')), or raise the limit",
): CsrnetLimitError {
  return new CsrnetLimitError(source, { option, limit, needed, message: `${what}, over the limit limits.${option} = ${formatCount(limit)}. ${advice}.` });
}

/**
 * Refuses a file (or a tfjs model's weight files together) over
 * `limits.maxFileBytes` before it is read or parsed.
 */
export function checkFileSize(bytes: number, source: string | undefined, limits: Pick<ResolvedModelFileLimits, 'maxFileBytes'>, what = 'the file is'): void {
  if (bytes <= limits.maxFileBytes) return;
  throw limitExceeded(
    source,
    `${what} ${formatCount(bytes)} bytes`,
    'maxFileBytes',
    limits.maxFileBytes,
    bytes,
    "The largest genuine file these tools read is torchvision's VGG-16 (528 MB), and a full-size CSRNet checkpoint is about 130 MB: check that this is the file you meant, or raise the limit",
  );
}
