import { assertDataRange, resolveDataRange } from './data-range.js';
import { assertSameShape, type DensityMap } from './density-map.js';
import { MetricsError } from './errors.js';
import { gaussianFilter, gaussianRadius, uniformFilter } from './reflect-filter.js';

/** σ and truncation of the Gaussian window (Wang et al. 2004; scikit-image's values). */
const GAUSSIAN_SIGMA = 1.5;
const GAUSSIAN_TRUNCATE = 3.5;
/** Side of the Gaussian window: 2·⌊3.5·1.5 + ½⌋ + 1 = 11. */
const GAUSSIAN_WINDOW = 2 * gaussianRadius(GAUSSIAN_SIGMA, GAUSSIAN_TRUNCATE) + 1;

export interface SsimOptions {
  /**
   * R in C₁ = (K₁R)² and C₂ = (K₂R)².
   * @default max(truth) − min(truth)
   */
  dataRange?: number;
  /**
   * Side of the uniform window, odd, ≥ 3 and ≤ both map sides. With
   * `gaussianWeights` the window is fixed at 11 and only 11 is accepted.
   * @default 7
   */
  windowSize?: number;
  /**
   * Weight each window by a Gaussian (σ = 1.5, truncated at 3.5σ: 11 × 11)
   * instead of uniformly, as scikit-image's `gaussian_weights=True`.
   * @default false
   */
  gaussianWeights?: boolean;
  /**
   * Divide (co)variances by NP − 1 instead of NP, NP = windowSize², as
   * scikit-image's `use_sample_covariance`. It defaults to false with Gaussian
   * weights so that `{ gaussianWeights: true }` alone is the paper's SSIM
   * (scikit-image's advice for matching Wang et al.); pass `true` with it to
   * match scikit-image's `gaussian_weights=True` on its own.
   * @default !gaussianWeights
   */
  sampleCovariance?: boolean;
  /** @default 0.01 */
  K1?: number;
  /** @default 0.03 */
  K2?: number;
}

/**
 * Mean structural similarity of `pred` and `truth` (Wang et al. 2004),
 * computed as scikit-image 0.19's `structural_similarity(pred, truth,
 * data_range=R, win_size=…, gaussian_weights=…, use_sample_covariance=…)` does
 * on float64 input:
 *
 *   μx = f(x), μy = f(y) (f = window filter, reflect borders),
 *   σx² = c·(f(x²) − μx²), σy² = c·(f(y²) − μy²), σxy = c·(f(xy) − μxμy),
 *   c = NP / (NP − 1) with sample covariance, else 1,
 *   S = (2μxμy + C₁)(2σxy + C₂) / ((μx² + μy² + C₁)(σx² + σy² + C₂)),
 *   C₁ = (K₁R)², C₂ = (K₂R)²,
 *   SSIM = mean of S over pixels at least (windowSize − 1)/2 from every border
 *   (the strip where the window reaches past the image is cropped).
 *
 * Always float64, even for Float32Array maps (scikit-image would compute
 * float32 input in float32). Both maps must have the same shape; compare a
 * 1/8-resolution prediction with a sum-pooled truth or upsample it first.
 */
export function ssim(pred: DensityMap, truth: DensityMap, options: SsimOptions = {}): number {
  const settings = ssimSettings(options);
  assertSameShape(pred, truth);
  const { height, width } = truth;
  const window = settings.windowSize;
  if (window > height || window > width) {
    throw new MetricsError(
      'IMAGE_TOO_SMALL',
      `the SSIM window is ${window}×${window} but the maps are ${height}×${width} (height×width); pass a smaller odd windowSize`,
    );
  }
  const range = resolveDataRange(truth, options.dataRange);

  const n = height * width;
  const x = Float64Array.from(pred.data);
  const y = Float64Array.from(truth.data);
  const xx = new Float64Array(n);
  const yy = new Float64Array(n);
  const xy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xx[i] = x[i] * x[i];
    yy[i] = y[i] * y[i];
    xy[i] = x[i] * y[i];
  }
  const filter = settings.gaussianWeights
    ? (a: Float64Array) => gaussianFilter(a, height, width, GAUSSIAN_SIGMA, GAUSSIAN_TRUNCATE)
    : (a: Float64Array) => uniformFilter(a, height, width, window);
  const ux = filter(x);
  const uy = filter(y);
  const uxx = filter(xx);
  const uyy = filter(yy);
  const uxy = filter(xy);

  const np = window * window;
  const covNorm = settings.sampleCovariance ? np / (np - 1) : 1;
  const c1 = (settings.K1 * range) ** 2;
  const c2 = (settings.K2 * range) ** 2;
  const pad = (window - 1) / 2;
  let sum = 0;
  for (let r = pad; r < height - pad; r++) {
    for (let c = pad; c < width - pad; c++) {
      const i = r * width + c;
      const vx = covNorm * (uxx[i] - ux[i] * ux[i]);
      const vy = covNorm * (uyy[i] - uy[i] * uy[i]);
      const vxy = covNorm * (uxy[i] - ux[i] * uy[i]);
      const a1 = 2 * ux[i] * uy[i] + c1;
      const a2 = 2 * vxy + c2;
      const b1 = ux[i] * ux[i] + uy[i] * uy[i] + c1;
      const b2 = vx + vy + c2;
      sum += (a1 * a2) / (b1 * b2);
    }
  }
  return sum / ((height - 2 * pad) * (width - 2 * pad));
}

interface SsimSettings {
  windowSize: number;
  gaussianWeights: boolean;
  sampleCovariance: boolean;
  K1: number;
  K2: number;
}

/** Resolves the defaults and checks every option that does not depend on the maps. */
export function ssimSettings(options: SsimOptions): SsimSettings {
  if (options.dataRange !== undefined) assertDataRange(options.dataRange);
  const gaussianWeights = options.gaussianWeights ?? false;
  const windowSize = options.windowSize ?? (gaussianWeights ? GAUSSIAN_WINDOW : 7);
  if (gaussianWeights && windowSize !== GAUSSIAN_WINDOW) {
    throw new MetricsError(
      'INVALID_OPTION',
      `with gaussianWeights the window is ${GAUSSIAN_WINDOW}×${GAUSSIAN_WINDOW} (σ = ${GAUSSIAN_SIGMA}, truncated at ${GAUSSIAN_TRUNCATE}σ), got windowSize ${windowSize}`,
    );
  }
  if (!Number.isInteger(windowSize) || windowSize < 3 || windowSize % 2 === 0) {
    throw new MetricsError('INVALID_OPTION', `windowSize must be an odd integer ≥ 3, got ${windowSize}`);
  }
  const K1 = options.K1 ?? 0.01;
  const K2 = options.K2 ?? 0.03;
  for (const [name, value] of [['K1', K1], ['K2', K2]] as const) {
    // 0 would make flat windows (μ = σ = 0) evaluate 0/0.
    if (!Number.isFinite(value) || value <= 0) {
      throw new MetricsError('INVALID_OPTION', `${name} must be a finite number > 0, got ${value}`);
    }
  }
  return { windowSize, gaussianWeights, sampleCovariance: options.sampleCovariance ?? !gaussianWeights, K1, K2 };
}
