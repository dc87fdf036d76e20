import { fitWithin } from './image-fit.ts';
import type { Frame } from './protocol.ts';

/**
 * Decodes a photo (JPEG, PNG, WebP, whatever the browser reads) with its
 * EXIF orientation applied, as the user sees it.
 */
export async function decodeImage(file: Blob, name: string): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(file, { imageOrientation: 'from-image', premultiplyAlpha: 'none' });
  } catch {
    const type = file.type ? ` (${file.type})` : '';
    throw new Error(`${name}${type} could not be read as an image. JPEG, PNG and WebP photos work.`);
  }
}

/** A picture ready to count: its pixels for the model, and a canvas holding them for display. */
export interface Raster {
  frame: Frame;
  photo: HTMLCanvasElement;
  /** The size before downscaling. */
  sourceWidth: number;
  sourceHeight: number;
  downscaled: boolean;
}

/**
 * Draws a photo or video frame at the size it will be counted at (longer
 * side at most `maxSide`; smooth downscaling) and reads its RGBA pixels.
 * At its own size the copy is exact, pixel for pixel.
 */
export function rasterize(source: CanvasImageSource, sourceWidth: number, sourceHeight: number, maxSide: number): Raster {
  const { width, height, downscaled } = fitWithin(sourceWidth, sourceHeight, maxSide);
  const photo = document.createElement('canvas');
  photo.width = width;
  photo.height = height;
  const ctx = photo.getContext('2d', { willReadFrequently: true });
  if (ctx === null) throw new Error('This browser cannot draw into a canvas.');
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, width, height);
  const pixels = ctx.getImageData(0, 0, width, height).data;
  return { frame: { pixels, width, height }, photo, sourceWidth, sourceHeight, downscaled };
}
