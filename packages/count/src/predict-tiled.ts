import { cropPixels } from './crop-pixels.js';
import type { CountImage } from './count-image.js';
import type { DensityEngine } from './density-engine.js';
import type { DensityMap } from './density-map.js';
import { CountError } from './errors.js';
import { OUTPUT_STRIDE, type TilePlan } from './tile-plan.js';

/**
 * Runs the engine over each tile of `plan` and assembles the counted region
 * of every tile into one ⌊H/8⌋ × ⌊W/8⌋ map. One tile is in memory at a time,
 * so memory is bounded by the tile size, not the image.
 */
export async function predictTiled(engine: DensityEngine, image: CountImage, plan: TilePlan, source?: string): Promise<DensityMap> {
  const out = new Float32Array(plan.outHeight * plan.outWidth);
  for (const tile of plan.tiles) {
    const crop = cropPixels(image, tile.x, tile.y, tile.width, tile.height);
    const density = await engine.predict(crop);
    const rows = Math.floor(tile.height / OUTPUT_STRIDE);
    const cols = Math.floor(tile.width / OUTPUT_STRIDE);
    if (density.height !== rows || density.width !== cols || density.data.length !== rows * cols) {
      throw new CountError(
        'ENGINE_OUTPUT',
        source,
        `${engine.name} returned a ${density.height}×${density.width} density for a ${tile.width}×${tile.height} input; expected ${rows}×${cols}`,
      );
    }
    const row0 = tile.row - tile.y / OUTPUT_STRIDE;
    const col0 = tile.col - tile.x / OUTPUT_STRIDE;
    for (let r = 0; r < tile.rows; r++) {
      const from = (row0 + r) * cols + col0;
      out.set(density.data.subarray(from, from + tile.cols), (tile.row + r) * plan.outWidth + tile.col);
    }
  }
  return { height: plan.outHeight, width: plan.outWidth, data: out };
}
