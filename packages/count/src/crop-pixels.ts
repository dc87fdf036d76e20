import type { RgbImage } from '@crowd/datasets';

/** The `width × height` rectangle of an HWC RGB image whose top-left pixel is (x, y), as a new image. */
export function cropRgb(image: RgbImage, x: number, y: number, width: number, height: number): RgbImage {
  if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > image.width || y + height > image.height) {
    throw new RangeError(`crop ${width}×${height} at (${x}, ${y}) leaves the ${image.width}×${image.height} image`);
  }
  if (x === 0 && y === 0 && width === image.width && height === image.height) return image;
  const data = new Uint8Array(width * height * 3);
  const rowBytes = width * 3;
  for (let r = 0; r < height; r++) {
    const from = ((y + r) * image.width + x) * 3;
    data.set(image.data.subarray(from, from + rowBytes), r * rowBytes);
  }
  return { data, width, height };
}
