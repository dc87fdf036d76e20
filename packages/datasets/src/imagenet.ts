import { DatasetError } from './errors.js';

/** Per-channel (R, G, B) mean used by torchvision's ImageNet models, and so by CSRNet. */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];
/** Per-channel (R, G, B) standard deviation used by torchvision's ImageNet models. */
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];

/** An 8-bit RGB image, row-major, channels interleaved (HWC). */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface NormalizeOptions {
  /**
   * Memory layout of the result. `'nhwc'` (default) is what TensorFlow.js
   * convolutions take; `'nchw'` is PyTorch's, as in the reference fixtures.
   */
  layout?: 'nhwc' | 'nchw';
}

/**
 * The reference's network input: `ToTensor()` then `Normalize(IMAGENET_MEAN,
 * IMAGENET_STD)`, i.e. `(v / 255 - mean) / std` per channel. Every step is
 * rounded to float32, as torch computes it, so results match torch bit for
 * bit given the same decoded bytes.
 *
 * @returns 3·height·width floats (a batch of one) in the requested layout.
 */
export function normalizeImageNet(rgb: RgbImage, options: NormalizeOptions = {}): Float32Array {
  const layout = options.layout ?? 'nhwc';
  const pixels = rgb.width * rgb.height;
  if (rgb.data.length !== pixels * 3) {
    throw new DatasetError('IMAGE_FORMAT', undefined, `normalizeImageNet: expected ${pixels * 3} bytes for a ${rgb.width}×${rgb.height} RGB image; found ${rgb.data.length}`);
  }
  // 256 possible inputs per channel: a table gives the exact float32 chain once.
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    const mean = Math.fround(IMAGENET_MEAN[c]);
    const std = Math.fround(IMAGENET_STD[c]);
    for (let v = 0; v < 256; v++) {
      // float32 a−b and a/b are exactly the double result rounded once to float32.
      table[c * 256 + v] = Math.fround(Math.fround(Math.fround(v / 255) - mean) / std);
    }
  }
  const out = new Float32Array(pixels * 3);
  const src = rgb.data;
  if (layout === 'nhwc') {
    for (let i = 0; i < pixels * 3; i++) out[i] = table[(i % 3) * 256 + src[i]];
  } else {
    for (let p = 0; p < pixels; p++) {
      out[p] = table[src[3 * p]];
      out[pixels + p] = table[256 + src[3 * p + 1]];
      out[2 * pixels + p] = table[512 + src[3 * p + 2]];
    }
  }
  return out;
}
