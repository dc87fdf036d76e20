import type { DensityMap } from './density-map.js';
import { MetricsError } from './errors.js';
import { psnr } from './psnr.js';
import { ssim, ssimSettings, type SsimOptions } from './ssim.js';

/** PSNR and SSIM of one pair of maps. */
export interface DensityQualityScores {
  /** {@link psnr} in dB. */
  psnr: number;
  /** {@link ssim}. */
  ssim: number;
}

/** Dataset density-map quality, as CSRNet's Table 2 reports it. */
export interface DensityQualityResult extends DensityQualityScores {
  /** Number of image pairs added; `psnr` and `ssim` are their means. */
  n: number;
}

/**
 * Streaming mean PSNR and SSIM over (predicted, ground-truth) density map
 * pairs: PSNR̄ = (1/n) Σ PSNRᵢ, SSIM̄ = (1/n) Σ SSIMᵢ. The options go to both
 * metrics (PSNR uses only `dataRange`); without a `dataRange` each image uses
 * its own truth's range. One identical pair makes the mean PSNR `Infinity`.
 */
export class DensityQuality {
  readonly #options: SsimOptions;
  #n = 0;
  #psnrSum = 0;
  #ssimSum = 0;

  /** Options are checked here, so a typo fails before the first image. */
  constructor(options: SsimOptions = {}) {
    ssimSettings(options);
    this.#options = { ...options };
  }

  /** Adds one pair (same shape) and returns its scores. */
  add(pred: DensityMap, truth: DensityMap): DensityQualityScores {
    const scores = { psnr: psnr(pred, truth, this.#options), ssim: ssim(pred, truth, this.#options) };
    this.#n++;
    this.#psnrSum += scores.psnr;
    this.#ssimSum += scores.ssim;
    return scores;
  }

  /** The means so far; throws `EMPTY` before the first `add`. */
  result(): DensityQualityResult {
    if (this.#n === 0) throw new MetricsError('EMPTY', 'DensityQuality.result() needs at least one image pair; none was added');
    return { n: this.#n, psnr: this.#psnrSum / this.#n, ssim: this.#ssimSum / this.#n };
  }
}
