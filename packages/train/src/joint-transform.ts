import type { RgbImage } from '@crowd/datasets';
import type { DensityMap } from '@crowd/density';
import type { Window } from './crop-window.js';
import { TrainError } from './errors.js';

/** An image and its full-resolution density map, the same size. */
export interface ImageWithDensity {
  image: RgbImage;
  density: DensityMap;
}

/**
 * Crops `window` out of an image and its density map together, then mirrors
 * both left–right if asked. One function for both, so they can never drift
 * apart. The density keeps its element type (float32 or float64), which the
 * bicubic target's arithmetic depends on; mass outside the window is dropped,
 * so the cropped map sums to the heads inside it.
 *
 * @throws TrainError DATA_INVALID when the image and map differ in size or the window leaves them.
 */
export function cropAndMirror(pair: ImageWithDensity, window: Window, mirror: boolean, name = 'image'): ImageWithDensity {
  const { image, density } = pair;
  if (image.height !== density.height || image.width !== density.width) {
    throw new TrainError('DATA_INVALID', `expected the density map to match the image's ${image.height}×${image.width} (H×W), found ${density.height}×${density.width}`, { file: name });
  }
  const { top, left, height, width } = window;
  if (top < 0 || left < 0 || height < 1 || width < 1 || top + height > image.height || left + width > image.width) {
    throw new TrainError('DATA_INVALID', `window ${height}×${width} at (${top}, ${left}) lies outside the ${image.height}×${image.width} image`, { file: name });
  }
  const pixels = new Uint8Array(height * width * 3);
  const values = density.data instanceof Float64Array ? new Float64Array(height * width) : new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    const srcRow = (top + y) * image.width + left;
    for (let x = 0; x < width; x++) {
      const from = srcRow + (mirror ? width - 1 - x : x);
      const to = y * width + x;
      values[to] = density.data[from];
      pixels[3 * to] = image.data[3 * from];
      pixels[3 * to + 1] = image.data[3 * from + 1];
      pixels[3 * to + 2] = image.data[3 * from + 2];
    }
  }
  return { image: { data: pixels, width, height }, density: { height, width, data: values } };
}
