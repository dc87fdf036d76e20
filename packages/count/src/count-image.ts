import { CountError } from './errors.js';

/**
 * An image to count: interleaved 8-bit pixels, row-major, RGB (`channels` 3,
 * what sharp decodes) or RGBA (`channels` 4, a canvas `ImageData`, whose
 * alpha is ignored).
 */
export interface CountImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** @default 3 */
  channels?: 3 | 4;
}

/** The channel count of an image, checked against its byte length. */
export function imageChannels(image: CountImage, source?: string): 3 | 4 {
  const channels = image.channels ?? 3;
  const { width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new CountError('INPUT_INVALID', source, `expected a positive integer width and height, got ${width}×${height}`);
  }
  if ((channels !== 3 && channels !== 4) || image.data.length !== width * height * channels) {
    throw new CountError('INPUT_INVALID', source, `expected ${width * height * channels} bytes for ${width}×${height} pixels with ${channels} channels, found ${image.data.length}`);
  }
  return channels;
}
