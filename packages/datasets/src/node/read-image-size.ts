import { DatasetError } from '../errors.js';
import { openImage } from './open-image.js';
import type { ReadImageOptions } from './read-image-rgb.js';

/**
 * An image's size in pixels from its header alone (no pixel decode), as
 * {@link readImageRGB} would return it: EXIF orientations 5–8 swap width and
 * height unless `exifOrientation: false`.
 */
export async function readImageSize(path: string, options: ReadImageOptions = {}): Promise<{ height: number; width: number }> {
  const { metadata } = await openImage(path);
  const { width, height, orientation } = metadata;
  if (width === undefined || height === undefined) throw new DatasetError('IMAGE_FORMAT', path, 'the image header has no size');
  const swapped = (options.exifOrientation ?? true) && orientation !== undefined && orientation >= 5;
  return swapped ? { height: width, width: height } : { height, width };
}
