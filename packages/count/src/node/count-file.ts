import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CsrnetModel } from '@crowd/csrnet';
import { readImageRGB, writeAtomically, writeDensityH5 } from '@crowd/datasets/node';
import type { ColourMapName } from '@crowd/heatmap';
import { renderHeatmap, type HeatmapFormat } from '../heatmap/render-heatmap.js';
import type { CountRecord } from './count-record.js';
import { localMaxima, peaksToImagePoints } from './local-maxima.js';
import { checkCountable, densitySum, predictDensity } from './predict-density.js';
import { planTiles, tileSizeFor } from './tile-plan.js';

export interface CountOptions {
  /** Tile side in pixels; undefined: automatic (see tileSizeFor). */
  tile?: number;
  margin: number;
  points: boolean;
  heatmap?: { dir: string; format: HeatmapFormat; colourMap: ColourMapName };
  /** Folder for the predicted density `.h5`. */
  densityDir?: string;
}

/**
 * Counts one image: decode (EXIF applied), predict the density (tiled when
 * large), and write what was asked for. Outputs are named after `name`, the
 * image's path below the argument it was found in, so images with the same
 * file name in different folders do not collide. Nothing is kept.
 */
export async function countImage(model: CsrnetModel, path: string, name: string, options: CountOptions): Promise<CountRecord> {
  const image = await readImageRGB(path);
  checkCountable(image, path);
  const plan = planTiles(image.height, image.width, tileSizeFor(image.height, image.width, options.tile), options.margin);
  const density = await predictDensity(model, image, plan);
  const record: CountRecord = { image: path, count: densitySum(density.data), width: image.width, height: image.height, tiles: plan.tiles.length };
  if (options.points) record.points = peaksToImagePoints(localMaxima(density), density, image);
  if (options.heatmap !== undefined) {
    const { dir, format, colourMap } = options.heatmap;
    const file = join(dir, `${name}.heatmap.${format}`);
    const picture = await renderHeatmap(image, density, { count: record.count, colourMap, format, points: record.points });
    await writeAtomically(file, (temp) => writeFile(temp, picture));
    record.heatmap = file;
  }
  if (options.densityDir !== undefined) {
    const file = join(options.densityDir, `${name}.h5`);
    await writeDensityH5(file, density);
    record.density = file;
  }
  return record;
}
