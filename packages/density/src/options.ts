import { DensityError } from './errors.js';

/** How faithfully to follow CSRNet-pytorch's `make_dataset.ipynb`. */
export type DensityMode = 'preserving' | 'reference';

/** Which Gaussian width each head gets. */
export type DensityKernel = 'adaptive' | 'fixed';

/** Options of {@link densityMap}; every field is optional. */
export interface DensityOptions {
  /**
   * `'preserving'`: every in-image head adds exactly 1 at its sub-pixel
   * position. `'reference'`: bit-faithful to the reference notebook, quirks
   * included (integer pixels, shared pixels collapse, negative indices wrap,
   * mass lost at the border for the adaptive kernel).
   * @default 'preserving'
   */
  mode?: DensityMode;
  /**
   * `'adaptive'`: σ per head from its nearest neighbours (ShanghaiTech
   * Part A). `'fixed'`: one σ for every head (Part B).
   * @default 'adaptive'
   */
  kernel?: DensityKernel;
  /**
   * σ of the fixed kernel, in pixels. Ignored by the adaptive kernel.
   * @default 15
   */
  sigma?: number;
  /**
   * Adaptive kernel: how many nearest other heads are averaged; an integer ≥ 1.
   * @default 3
   */
  k?: number;
  /**
   * Adaptive kernel: σ_i = beta · (mean distance in pixels to the k nearest
   * other heads). With the defaults this is the reference's 0.1 · (d1 + d2 + d3).
   * @default 0.3
   */
  beta?: number;
  /**
   * Kernel radius in units of σ: the radius in pixels is `int(truncate·σ + 0.5)`,
   * as in scipy.ndimage.gaussian_filter.
   * @default 4
   */
  truncate?: number;
}

/** {@link DensityOptions} with every field filled in. */
export type ResolvedDensityOptions = Required<DensityOptions>;

/** The defaults {@link resolveDensityOptions} fills in. */
export const DEFAULT_DENSITY_OPTIONS: Readonly<ResolvedDensityOptions> = Object.freeze({
  mode: 'preserving',
  kernel: 'adaptive',
  sigma: 15,
  k: 3,
  beta: 0.3,
  truncate: 4,
});

const MODES: readonly DensityMode[] = ['preserving', 'reference'];
const KERNELS: readonly DensityKernel[] = ['adaptive', 'fixed'];

/** Renders a received value for an error message (`NaN`, `'abc'`, `null`, `object`). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : `a value of type ${typeof value}`;
}

function invalid(name: string, expected: string, value: unknown): DensityError {
  return new DensityError('INVALID_OPTION', `Invalid density option "${name}": expected ${expected}, received ${describeValue(value)}.`);
}

function positive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalid(name, 'a finite number > 0', value);
  return value;
}

/** Copies `options`, fills in {@link DEFAULT_DENSITY_OPTIONS} and validates every field. */
export function resolveDensityOptions(options: DensityOptions = {}): ResolvedDensityOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'an object or undefined', options);
  const resolved: ResolvedDensityOptions = { ...DEFAULT_DENSITY_OPTIONS };
  for (const [key, value] of Object.entries(options)) {
    if (!(key in DEFAULT_DENSITY_OPTIONS)) throw invalid(key, `no such option (known: ${Object.keys(DEFAULT_DENSITY_OPTIONS).join(', ')})`, value);
    if (value !== undefined) (resolved as unknown as Record<string, unknown>)[key] = value;
  }
  if (!MODES.includes(resolved.mode)) throw invalid('mode', `one of ${MODES.map((m) => `'${m}'`).join(', ')}`, resolved.mode);
  if (!KERNELS.includes(resolved.kernel)) throw invalid('kernel', `one of ${KERNELS.map((m) => `'${m}'`).join(', ')}`, resolved.kernel);
  positive('sigma', resolved.sigma);
  positive('beta', resolved.beta);
  positive('truncate', resolved.truncate);
  if (typeof resolved.k !== 'number' || !Number.isInteger(resolved.k) || resolved.k < 1) throw invalid('k', 'an integer ≥ 1', resolved.k);
  return resolved;
}
