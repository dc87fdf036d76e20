import sharp from 'sharp';
import type { RgbImage } from '@crowd/datasets';

/**
 * An RGB image resized to `width × height` with sharp's linear kernel,
 * which, like the PIL bilinear resize LWCC uses, widens its support when
 * shrinking so every source pixel counts (no aliasing of small heads).
 */
export async function resizeImage(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { kernel: 'linear', fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}
