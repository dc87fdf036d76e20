import type { CountImage } from './count-image.js';

/**
 * The `width × height` rectangle of an interleaved image whose top-left pixel
 * is (x, y), as a new image with the same channels; the whole image is
 * returned as is.
 */
export function cropPixels(image: CountImage, x: number, y: number, width: number, height: number): CountImage {
  if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > image.width || y + height > image.height) {
    throw new RangeError(`crop ${width}×${height} at (${x}, ${y}) leaves the ${image.width}×${image.height} image`);
  }
  if (x === 0 && y === 0 && width === image.width && height === image.height) return image;
  const channels = image.channels ?? 3;
  const data = new Uint8Array(width * height * channels);
  const rowBytes = width * channels;
  for (let r = 0; r < height; r++) {
    const from = ((y + r) * image.width + x) * channels;
    data.set(image.data.subarray(from, from + rowBytes), r * rowBytes);
  }
  return { data, width, height, channels };
}
