import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readImageRGB, writeAtomically, writeDensityH5 } from '@crowd/datasets/node';
import type { ColourMapName } from '@crowd/heatmap';
import type { Counter, CountOptions } from '../counter.js';
import type { CountRecord } from '../count-record.js';
import { maxSideSize } from '../models/max-side.js';
import { renderHeatmap, type HeatmapFormat } from './render-heatmap.js';
import { resizeImage } from './resize-image.js';

export interface CountFileOptions extends Omit<CountOptions, 'source' | 'original'> {
  /**
   * Shrink a photo whose longest side is larger to this many pixels before
   * counting (see maxSideSize; a registry model's `preprocessing.maxSide`).
   * Points, the heat map and the record are in the photo's pixels; the
   * density `.h5` is the map of the image counted.
   * @default undefined: count at full size
   */
  maxSide?: number;
  /** Write `<dir>/<name>.heatmap.<format>`: the photo with the density over it, a legend and the count. */
  heatmap?: { dir: string; format: HeatmapFormat; colourMap: ColourMapName };
  /** Write `<dir>/<name>.h5`: the predicted 1/8 density (HDF5 dataset `density`, float32). */
  densityDir?: string;
}

/**
 * Counts one image file: decode (EXIF orientation applied, as a viewer shows
 * it), count, and write what was asked for, atomically. Outputs are named
 * after `name`, the image's path below the folder it was found in, so images
 * with the same file name in different folders do not collide.
 */
export async function countFile(counter: Counter, path: string, name: string, options: CountFileOptions = {}): Promise<CountRecord> {
  const image = await readImageRGB(path);
  const size = maxSideSize(image.width, image.height, options.maxSide);
  const counted = size.scale === 1 ? image : await resizeImage(image, size.width, size.height);
  const result = await counter.count(counted, { ...options, source: path, original: image });
  const record: CountRecord = {
    image: path,
    count: result.count,
    width: result.width,
    height: result.height,
    scale: result.scale,
    tiles: result.tiles,
    warnings: result.warnings,
  };
  if (result.points !== undefined) record.points = result.points;
  if (options.heatmap !== undefined) {
    const { dir, format, colourMap } = options.heatmap;
    const file = join(dir, `${name}.heatmap.${format}`);
    const picture = await renderHeatmap(image, result.density, { count: result.count, colourMap, format, points: result.points });
    await writeAtomically(file, (temp) => writeFile(temp, picture));
    record.heatmap = file;
  }
  if (options.densityDir !== undefined) {
    const file = join(options.densityDir, `${name}.h5`);
    await writeDensityH5(file, result.density);
    record.density = file;
  }
  return record;
}
