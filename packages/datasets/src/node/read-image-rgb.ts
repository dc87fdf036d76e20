import sharp from 'sharp';
import { DatasetError } from '../errors.js';
import type { RgbImage } from '../imagenet.js';
import { openImage } from './open-image.js';
import { resolveMaxPixels } from '../pixel-budget.js';

export interface ReadImageOptions {
  /**
   * Rotate/flip by the EXIF Orientation tag, as a viewer shows the image
   * (default true). The reference (Pillow's `convert('RGB')`) and MATLAB, in
   * which the datasets were annotated, ignore the tag; pass false to get the
   * stored pixel order they used when an image carries one.
   */
  exifOrientation?: boolean;
  /**
   * The most pixels (width × height, from the header) an image may have; a
   * larger one is refused before decoding with a LimitExceededError.
   * @default 100_000_000 ({@link DEFAULT_MAX_PIXELS})
   */
  maxPixels?: number;
}

/**
 * Decodes a JPEG, PNG or WebP file to 8-bit RGB, HWC, the way the reference's
 * `Image.open(p).convert('RGB')` sees it: grayscale is replicated to three
 * channels and alpha is dropped (not composited). Decoders differ slightly:
 * sharp (libjpeg-turbo) and Pillow may disagree by ±1 on a few pixels of the
 * same JPEG.
 *
 * @throws DatasetError IMAGE_FORMAT naming the file when it is missing, corrupt,
 *   truncated or not one of the supported formats; LimitExceededError
 *   (option `maxPixels`) when its header declares more pixels than the budget.
 */
export async function readImageRGB(path: string, options: ReadImageOptions = {}): Promise<RgbImage> {
  const maxPixels = resolveMaxPixels(options.maxPixels);
  const { bytes, format } = await openImage(path, maxPixels);
  try {
    // libvips checks the same budget again as it decodes (its default is 268 MP).
    const image = sharp(bytes, { limitInputPixels: maxPixels });
    if (options.exifOrientation ?? true) image.rotate();
    const { data, info } = await image
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (error) {
    throw new DatasetError('IMAGE_FORMAT', path, `cannot decode ${format} image (${(error as Error).message})`, { cause: error });
  }
}
