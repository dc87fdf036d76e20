import { CsrnetError } from './errors.js';

/**
 * How 8-bit RGB pixels become network input: `(v · inputScale − mean[c]) / std[c]`
 * per channel (R, G, B). It is part of the model's metadata and is saved with
 * it, because weights are only meaningful with the normalisation they were
 * trained on.
 */
export interface InputNormalization {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  inputScale: number;
}

/**
 * torchvision's ImageNet normalisation on RGB in [0, 1], which the reference's
 * train.py uses (`ToTensor()` then `Normalize(mean, std)`).
 */
export const IMAGENET_NORMALIZATION: InputNormalization = Object.freeze({
  mean: Object.freeze([0.485, 0.456, 0.406] as const),
  std: Object.freeze([0.229, 0.224, 0.225] as const),
  inputScale: 1 / 255,
});

/** Memory order of normalised pixels: `'hwc'` for tfjs (NHWC), `'chw'` for PyTorch and ONNX (NCHW). */
export type PixelLayout = 'hwc' | 'chw';

/**
 * Normalises interleaved 8-bit pixels (RGB, or RGBA such as canvas
 * `ImageData.data`, whose alpha is ignored) into a float32 array of
 * `height × width × 3` (`layout` `'hwc'`, the default) or `3 × height × width`
 * (`'chw'`). Each step is rounded to float32 as torch computes it, so with the
 * default normalisation the result equals the reference's input bit for bit
 * (`v · (1/255)` and torch's `v / 255` agree for all 256 values).
 */
export function normalizePixels(
  pixels: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  normalization: InputNormalization = IMAGENET_NORMALIZATION,
  layout: PixelLayout = 'hwc',
): Float32Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new CsrnetError('INPUT_INVALID', undefined, `preprocess: expected a positive integer width and height, got ${width}×${height}`);
  }
  const count = width * height;
  const channels = pixels.length === count * 3 ? 3 : pixels.length === count * 4 ? 4 : 0;
  if (channels === 0) {
    throw new CsrnetError(
      'INPUT_INVALID',
      undefined,
      `preprocess: expected ${count * 3} (RGB) or ${count * 4} (RGBA) bytes for ${width}×${height} pixels, found ${pixels.length}`,
    );
  }
  // Only 256 inputs per channel: a table computes the float32 chain once.
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    const mean = Math.fround(normalization.mean[c]);
    const std = Math.fround(normalization.std[c]);
    for (let v = 0; v < 256; v++) {
      table[c * 256 + v] = Math.fround(Math.fround(Math.fround(v * normalization.inputScale) - mean) / std);
    }
  }
  const out = new Float32Array(count * 3);
  if (layout === 'chw') {
    for (let p = 0; p < count; p++) {
      const src = p * channels;
      out[p] = table[pixels[src]];
      out[count + p] = table[256 + pixels[src + 1]];
      out[2 * count + p] = table[512 + pixels[src + 2]];
    }
    return out;
  }
  for (let p = 0; p < count; p++) {
    const src = p * channels;
    out[3 * p] = table[pixels[src]];
    out[3 * p + 1] = table[256 + pixels[src + 1]];
    out[3 * p + 2] = table[512 + pixels[src + 2]];
  }
  return out;
}
