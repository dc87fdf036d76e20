import { countWarnings, type CountWarning } from './count-warnings.js';
import { imageChannels, type CountImage } from './count-image.js';
import type { DensityEngine } from './density-engine.js';
import { densitySum, type DensityMap } from './density-map.js';
import { CountError } from './errors.js';
import { cellsToImagePoints, headPoints, type HeadPointOptions } from './head-points.js';
import { predictTiled } from './predict-tiled.js';
import { checkTiling, DEFAULT_TILE_MARGIN, OUTPUT_STRIDE, planTiles, tileSizeFor } from './tile-plan.js';

/** Options of {@link Counter.count}; every field is optional. */
export interface CountOptions {
  /** Tile side in pixels (a multiple of 8); @default automatic: one pass up to the engine's pixel budget, then 1024-px tiles */
  tile?: number;
  /** Context around each tile's counted cells, in pixels (a multiple of 8); @default DEFAULT_TILE_MARGIN (tiled = untiled) */
  tileMargin?: number;
  /** Place one point per person the density predicts (see headPoints), in the photo's pixels; `true` uses HEAD_POINT_DEFAULTS. @default false */
  points?: boolean | HeadPointOptions;
  /**
   * The photo's size when `image` is a resized copy of it (sharp, a canvas;
   * see maxSideSize): the result's `width`, `height` and `points` are then
   * the photo's, and `scale` is the resized longest side over the photo's.
   * @default the image's own size (scale 1)
   */
  original?: { width: number; height: number };
  /** Names the image in errors. */
  source?: string;
}

/** What counting one image gives. */
export interface CountResult {
  /** The estimated number of people: the sum of the density. */
  count: number;
  /** The predicted density, ⌊h/8⌋ × ⌊w/8⌋ cells over the image as counted (h × w: the resized size when `scale` < 1). */
  density: DensityMap;
  /** The photo's size, in pixels (`original` when given). */
  width: number;
  height: number;
  /** The longest side counted over the photo's: 1 at full size, < 1 when it was shrunk first. */
  scale: number;
  /** How many passes the image took (1: untiled). */
  tiles: number;
  /** The engine that counted it. */
  engine: string;
  /** Head positions in the photo's pixels, interleaved x, y, one per person (with `points`). */
  points?: Float64Array;
  /** Reasons not to trust the count as it stands; empty when it is plausible. */
  warnings: CountWarning[];
}

export interface Counter {
  /** The engine that counts, for reports. */
  readonly engine: string;
  count(image: CountImage, options?: CountOptions): Promise<CountResult>;
  /** Frees the engine and its model. */
  dispose(): Promise<void>;
}

/**
 * A counter over an engine: tiles an image that exceeds the engine's budget
 * (tiled and untiled maps are equal with the default margin), sums the
 * density, places points and attaches warnings. A count that is not a finite
 * number is a `CountError('NON_FINITE_COUNT')`, never a result.
 */
export function createCounter(options: { engine: DensityEngine }): Counter {
  const { engine } = options;
  return {
    engine: engine.name,
    async count(image: CountImage, countOptions: CountOptions = {}): Promise<CountResult> {
      const { source } = countOptions;
      imageChannels(image, source);
      const original = countOptions.original ?? image;
      if (!Number.isInteger(original.width) || !Number.isInteger(original.height) || original.width < 1 || original.height < 1) {
        throw new CountError('INPUT_INVALID', source, `original: expected a positive integer width and height, got ${original.width}×${original.height}`);
      }
      if (image.width < OUTPUT_STRIDE || image.height < OUTPUT_STRIDE) {
        throw new CountError('INPUT_INVALID', source, `the image is ${image.width}×${image.height} pixels; CSRNet needs at least ${OUTPUT_STRIDE}×${OUTPUT_STRIDE}`);
      }
      const margin = countOptions.tileMargin ?? DEFAULT_TILE_MARGIN;
      const tile = tileSizeFor(image.height, image.width, countOptions.tile, engine.passPixels);
      try {
        if (tile !== undefined) checkTiling(tile, margin);
      } catch (error) {
        throw new CountError('INPUT_INVALID', source, (error as Error).message, { cause: error });
      }
      const plan = planTiles(image.height, image.width, tile, margin);
      const density = await predictTiled(engine, image, plan, source);
      const count = densitySum(density.data);
      if (!Number.isFinite(count)) {
        throw new CountError('NON_FINITE_COUNT', source, `${engine.name} produced a density that sums to ${count}: the weights or the engine are broken, so there is no count`);
      }
      const scale = Math.max(image.width, image.height) / Math.max(original.width, original.height);
      const result: CountResult = {
        count,
        density,
        width: original.width,
        height: original.height,
        scale,
        tiles: plan.tiles.length,
        engine: engine.name,
        warnings: countWarnings(density),
      };
      if (countOptions.points) {
        // Spread over the photo as the heat map spreads the density, however large the image counted was.
        result.points = cellsToImagePoints(headPoints(density, countOptions.points === true ? {} : countOptions.points), density, original);
      }
      return result;
    },
    dispose: () => engine.dispose(),
  };
}
