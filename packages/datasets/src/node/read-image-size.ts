import { openImage } from './open-image.js';
import { resolveMaxPixels } from '../pixel-budget.js';
import type { ReadImageOptions } from './read-image-rgb.js';

/**
 * An image's size in pixels from its header alone (no pixel decode), as
 * {@link readImageRGB} would return it: EXIF orientations 5–8 swap width and
 * height unless `exifOrientation: false`. The same `maxPixels` budget applies
 * (what is sized is usually then decoded, or given a density map as large).
 *
 * @throws DatasetError IMAGE_FORMAT as readImageRGB; LimitExceededError over `maxPixels`.
 */
export async function readImageSize(path: string, options: ReadImageOptions = {}): Promise<{ height: number; width: number }> {
  const { metadata, width, height } = await openImage(path, resolveMaxPixels(options.maxPixels));
  const { orientation } = metadata;
  const swapped = (options.exifOrientation ?? true) && orientation !== undefined && orientation >= 5;
  return swapped ? { height: width, width: height } : { height, width };
}
