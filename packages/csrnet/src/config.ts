import { CsrnetError } from './errors.js';
import { IMAGENET_NORMALIZATION, type InputNormalization } from './normalization.js';

/** VGG-16 conv1_1…conv4_3 with its first three max-pools (`'M'`), as in the reference's model.py. */
export const CSRNET_FRONTEND = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512] as const;

/** The dilated back end's output channels (paper, table 3; model.py `backend_feat`). */
export const CSRNET_BACKEND = [512, 512, 512, 256, 128, 64] as const;

/** The paper's four back-end variants (table 3); B is the one the paper and the reference use. */
export type CsrnetVariant = 'A' | 'B' | 'C' | 'D';

/** One front-end entry: a 3×3 conv's output channels, or `'M'` for a 2×2 max-pool. */
export type FrontendItem = number | 'M';

/** Dilation of each back-end conv for each variant (paper, table 3). */
export const CSRNET_VARIANT_DILATIONS: Readonly<Record<CsrnetVariant, readonly number[]>> = Object.freeze({
  A: Object.freeze([1, 1, 1, 1, 1, 1]),
  B: Object.freeze([2, 2, 2, 2, 2, 2]),
  C: Object.freeze([2, 2, 2, 4, 4, 4]),
  D: Object.freeze([4, 4, 4, 4, 4, 4]),
});

/** Options of {@link createCsrnet}; every field is optional. */
export interface CsrnetConfig {
  /**
   * Back-end dilations: A = 1, B = 2, C = 2,2,2,4,4,4, D = 4.
   * @default 'B'
   */
  variant?: CsrnetVariant;
  /**
   * Divides every front- and back-end channel count (not the 3 input or the 1
   * output channel), for small test and demo models; must divide each count.
   * @default 1
   */
  widthDivisor?: number;
  /** @default CSRNET_FRONTEND */
  frontend?: readonly FrontendItem[];
  /** Back-end output channels; variant C needs exactly six. @default CSRNET_BACKEND */
  backend?: readonly number[];
  /** @default IMAGENET_NORMALIZATION */
  normalization?: InputNormalization;
}

/** A validated configuration with every default filled in; it is what a saved model records. */
export interface ResolvedCsrnetConfig {
  variant: CsrnetVariant;
  widthDivisor: number;
  frontend: readonly FrontendItem[];
  backend: readonly number[];
  normalization: InputNormalization;
}

export const CSRNET_CONFIG_DEFAULTS: ResolvedCsrnetConfig = Object.freeze({
  variant: 'B',
  widthDivisor: 1,
  frontend: CSRNET_FRONTEND,
  backend: CSRNET_BACKEND,
  normalization: IMAGENET_NORMALIZATION,
});

const KEYS = new Set(Object.keys(CSRNET_CONFIG_DEFAULTS));

function invalid(option: string, expected: string, value: unknown): CsrnetError {
  return new CsrnetError('CONFIG_INVALID', undefined, `${option}: expected ${expected}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined || typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

const isPositiveInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

function resolveNormalization(value: unknown): InputNormalization {
  const n = value as Partial<InputNormalization> | null;
  if (typeof n !== 'object' || n === null) throw invalid('normalization', 'an object { mean, std, inputScale }', value);
  const triple = (name: 'mean' | 'std', positive: boolean): [number, number, number] => {
    const v = n[name];
    const ok = Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0));
    if (!ok) throw invalid(`normalization.${name}`, `3 finite${positive ? ' positive' : ''} numbers (R, G, B)`, v);
    return [v[0], v[1], v[2]];
  };
  const inputScale = n.inputScale;
  if (typeof inputScale !== 'number' || !Number.isFinite(inputScale) || inputScale <= 0) {
    throw invalid('normalization.inputScale', 'a finite positive number', inputScale);
  }
  return { mean: triple('mean', false), std: triple('std', true), inputScale };
}

/**
 * Fills in defaults and validates. Throws `CsrnetError('CONFIG_INVALID')`
 * naming the option, what it expects and the value found; unknown options
 * are rejected so that a misspelt one cannot be silently ignored.
 */
export function resolveCsrnetConfig(config: CsrnetConfig = {}): ResolvedCsrnetConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw invalid('config', 'an object', config);
  for (const key of Object.keys(config)) {
    if (!KEYS.has(key)) throw invalid(key, `no such option (known: ${[...KEYS].join(', ')})`, (config as Record<string, unknown>)[key]);
  }
  const d = CSRNET_CONFIG_DEFAULTS;
  const variant = config.variant ?? d.variant;
  if (!Object.hasOwn(CSRNET_VARIANT_DILATIONS, variant)) throw invalid('variant', "'A', 'B', 'C' or 'D'", variant);

  const frontend = config.frontend ?? d.frontend;
  if (!Array.isArray(frontend) || !frontend.some(isPositiveInteger) || !frontend.every((v) => v === 'M' || isPositiveInteger(v))) {
    throw invalid('frontend', "an array of positive channel counts and 'M' (max-pool) with at least one conv", frontend);
  }
  const backend = config.backend ?? d.backend;
  if (!Array.isArray(backend) || backend.length === 0 || !backend.every(isPositiveInteger)) {
    throw invalid('backend', 'a non-empty array of positive channel counts', backend);
  }
  if (variant === 'C' && backend.length !== CSRNET_VARIANT_DILATIONS.C.length) {
    throw invalid('backend', `${CSRNET_VARIANT_DILATIONS.C.length} layers for variant C (dilations ${CSRNET_VARIANT_DILATIONS.C.join(',')})`, backend);
  }

  const widthDivisor = config.widthDivisor ?? d.widthDivisor;
  const counts = [...frontend.filter(isPositiveInteger), ...backend];
  if (!isPositiveInteger(widthDivisor) || counts.some((c) => c % widthDivisor !== 0)) {
    throw invalid('widthDivisor', `a positive integer dividing every channel count (${[...new Set(counts)].join(', ')})`, widthDivisor);
  }
  const normalization = config.normalization === undefined ? d.normalization : resolveNormalization(config.normalization);
  return { variant, widthDivisor, frontend: [...frontend], backend: [...backend], normalization };
}
