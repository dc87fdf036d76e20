import { densitySum, OUTPUT_STRIDE, type Counter } from '@crowd/count';
import { resizeCubicTarget, sumPool } from '@crowd/density';
import { readHeadPoints, readImageRGB, type Sample } from '@crowd/datasets/node';
import { CountMetrics, gameErrors, MetricsError, psnr, ssim, type DensityMap } from '@crowd/metrics';
import { errorLine } from '../count/error-line.js';
import { groundTruthDensity } from './ground-truth-density.js';

/** GAME(0) … GAME(3), as CSRNet's paper reports it. */
export const GAME_LEVELS = 3;

export interface EvalOptions {
  /** Tile side in pixels; undefined: automatic (the engine's pixel budget, see tileSizeFor). */
  tile?: number;
  margin: number;
  /**
   * Compare with the sum of the reference's bicubic 1/8 target (what
   * train.py's validation does) instead of the number of annotated heads.
   */
  referenceEval: boolean;
  /** Called with each image's row (or failure) as soon as it is known. */
  onImage?: (row: EvalRow | EvalFailure) => void;
}

export interface EvalRow {
  image: string;
  width: number;
  height: number;
  tiles: number;
  /** Predicted count: the sum of the predicted density. */
  count: number;
  /** What the count is compared with: `heads`, or the reference target's sum with referenceEval. */
  truth: number;
  /** Annotated heads (every point in the annotation, as GAME counts them). */
  heads: number;
  /** GAME(0 … 3) against the annotated points. */
  game: number[];
  /** Predicted 1/8 density vs the ground truth sum-pooled to 1/8; null where undefined (no heads: the truth is constant). */
  psnr: number | null;
  ssim: number | null;
  groundTruth: 'h5' | 'computed';
}

export interface EvalFailure {
  image: string;
  error: string;
}

export interface EvalSummary {
  images: number;
  failed: number;
  truth: 'annotated' | 'reference-target';
  mae: number;
  /** The root mean squared error, which the field calls "MSE". */
  mse: number;
  nae: number | null;
  naeExcluded: number;
  game: number[];
  psnr: number | null;
  ssim: number | null;
  /** Images with a PSNR and SSIM (those whose ground truth is not constant). */
  densityImages: number;
  seconds: number;
}

/**
 * Evaluates the model on annotated samples the way the reference validates:
 * the full image at batch 1 (tiled only above the memory budget), metrics
 * accumulated as it goes so nothing per image is kept. A sample whose image,
 * annotation or density cannot be read fails alone.
 */
export async function evaluateDataset(counter: Counter, samples: readonly Sample[], options: EvalOptions): Promise<EvalSummary> {
  const started = performance.now();
  const counts = new CountMetrics();
  const gameSums = new Array<number>(GAME_LEVELS + 1).fill(0);
  let psnrSum = 0;
  let ssimSum = 0;
  let densityImages = 0;
  let failed = 0;
  for (const sample of samples) {
    let row: EvalRow;
    try {
      row = await evaluateSample(counter, sample, options);
    } catch (error) {
      failed++;
      options.onImage?.({ image: sample.image, error: errorLine(error, sample.image) });
      continue;
    }
    counts.add(row.count, row.truth);
    row.game.forEach((g, level) => (gameSums[level] += g));
    if (row.psnr !== null && row.ssim !== null) {
      psnrSum += row.psnr;
      ssimSum += row.ssim;
      densityImages++;
    }
    options.onImage?.(row);
  }
  if (failed === samples.length) throw new Error(`none of the ${samples.length} images could be evaluated`);
  const c = counts.result();
  return {
    images: c.n,
    failed,
    truth: options.referenceEval ? 'reference-target' : 'annotated',
    mae: c.mae,
    mse: c.rmse,
    nae: c.nae,
    naeExcluded: c.naeExcluded,
    game: gameSums.map((g) => g / c.n),
    psnr: densityImages === 0 ? null : psnrSum / densityImages,
    ssim: densityImages === 0 ? null : ssimSum / densityImages,
    densityImages,
    seconds: (performance.now() - started) / 1000,
  };
}

async function evaluateSample(counter: Counter, sample: Sample, options: EvalOptions): Promise<EvalRow> {
  // Stored pixel order, EXIF orientation ignored: the annotations (made in MATLAB), the reference's
  // Pillow loader and @crowd/train all use it, so the points stay on their heads.
  const image = await readImageRGB(sample.image, { exifOrientation: false });
  const points = await readHeadPoints(sample);
  const size = { height: image.height, width: image.width };
  const { density: predicted, count, tiles } = await counter.count(image, { tile: options.tile, tileMargin: options.margin, source: sample.image });
  const truthDensity = await groundTruthDensity(sample, points, size, options.referenceEval ? 'reference' : 'preserving');
  const heads = points.length / 2;
  const truth = options.referenceEval ? densitySum(resizeCubicTarget(truthDensity.map).data) : heads;
  const { psnr: p, ssim: s } = densityQuality(predicted, sumPool(truthDensity.map, OUTPUT_STRIDE));
  return {
    image: sample.image,
    width: image.width,
    height: image.height,
    tiles,
    count,
    truth,
    heads,
    game: gameErrors(predicted, points, size, GAME_LEVELS),
    psnr: p,
    ssim: s,
    groundTruth: truthDensity.source,
  };
}

/**
 * PSNR and SSIM with @crowd/metrics' defaults (data range = the truth's
 * range, 7×7 uniform window). Both are undefined when the truth is constant
 * (an image without heads) or smaller than the window: null, and the image
 * is left out of their means.
 */
function densityQuality(pred: DensityMap, truth: DensityMap): { psnr: number | null; ssim: number | null } {
  try {
    return { psnr: psnr(pred, truth), ssim: ssim(pred, truth) };
  } catch (error) {
    if (error instanceof MetricsError && (error.code === 'ZERO_DATA_RANGE' || error.code === 'IMAGE_TOO_SMALL')) return { psnr: null, ssim: null };
    throw error;
  }
}
