import type { CsrnetModel } from '@crowd/csrnet';
import type { RgbImage } from '@crowd/datasets';
import { cropRgb } from './crop-rgb.js';
import { OUTPUT_STRIDE, type TilePlan } from './tile-plan.js';

/** A predicted density at 1/8 resolution, row-major, people per output cell. */
export interface PredictedDensity {
  height: number;
  width: number;
  data: Float32Array;
}

/** Throws, naming the file, when an image is too small to give even one output cell. */
export function checkCountable(image: RgbImage, path: string): void {
  if (image.width < OUTPUT_STRIDE || image.height < OUTPUT_STRIDE) {
    throw new Error(`${path}: the image is ${image.width}×${image.height} pixels; CSRNet needs at least ${OUTPUT_STRIDE}×${OUTPUT_STRIDE}`);
  }
}

/**
 * Runs the model over each tile of `plan` and assembles the counted region of
 * every tile into one ⌊H/8⌋ × ⌊W/8⌋ map. One tile is in memory at a time and
 * every tensor is freed before the next, so memory is bounded by the tile
 * size, not the image.
 */
export async function predictDensity(model: CsrnetModel, image: RgbImage, plan: TilePlan): Promise<PredictedDensity> {
  const out = new Float32Array(plan.outHeight * plan.outWidth);
  for (const tile of plan.tiles) {
    const crop = cropRgb(image, tile.x, tile.y, tile.width, tile.height);
    const input = model.preprocess(crop.data, crop.width, crop.height);
    let values: Float32Array;
    let tileWidth: number;
    try {
      const density = model.predict(input);
      try {
        tileWidth = density.shape[2];
        values = (await density.data()) as Float32Array;
      } finally {
        density.dispose();
      }
    } finally {
      input.dispose();
    }
    const row0 = tile.row - tile.y / OUTPUT_STRIDE;
    const col0 = tile.col - tile.x / OUTPUT_STRIDE;
    for (let r = 0; r < tile.rows; r++) {
      const from = (row0 + r) * tileWidth + col0;
      out.set(values.subarray(from, from + tile.cols), (tile.row + r) * plan.outWidth + tile.col);
    }
  }
  return { height: plan.outHeight, width: plan.outWidth, data: out };
}

/** The sum of a density map in float64: the count. */
export function densitySum(data: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i];
  return sum;
}
