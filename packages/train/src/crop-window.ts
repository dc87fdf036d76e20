import type { CropMode } from './config.js';
import { TrainError } from './errors.js';

/** A rectangle of an image, in pixels. */
export interface Window {
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * Where an example lies, independent of the image's size, so that a whole
 * epoch can be planned (and replayed after a resume) before any image is read.
 * `random` holds two uniform draws in [0, 1) that become a pixel offset once
 * the image size is known.
 */
export type PatchSpec = { kind: 'full' } | { kind: 'quarter'; row: 0 | 1; col: 0 | 1 } | { kind: 'random'; u: number; v: number };

/** CSRNet's output stride: a window must be at least this big to have an output pixel. */
const MIN_SIDE = 8;

/**
 * The pixel window of `patch` in a `height × width` image under `crop`.
 *
 * - Nine-patch windows are ⌊H/2⌋ × ⌊W/2⌋. The quarters sit at rows
 *   {0, H − ⌊H/2⌋} and columns {0, W − ⌊W/2⌋}, so for odd sizes they still
 *   cover every pixel. A random window's top is ⌊u · (H − h + 1)⌋, so every
 *   position is equally likely.
 * - Offsets need not be multiples of 8: the target is made from the cropped
 *   full-resolution density, and a sum pool of any crop keeps its count.
 *
 * @throws TrainError DATA_INVALID when the image is smaller than the crop or the window is under 8 pixels.
 */
export function patchWindow(patch: PatchSpec, height: number, width: number, crop: CropMode, name = 'image'): Window {
  if (patch.kind === 'full') return checked({ top: 0, left: 0, height, width }, name);
  const [h, w] = crop === 'nine-patch' ? [Math.floor(height / 2), Math.floor(width / 2)] : crop === 'full' ? [height, width] : [crop.height, crop.width];
  if (h > height || w > width) {
    throw new TrainError('DATA_INVALID', `expected an image of at least ${h}×${w} (H×W) for the crop, found ${height}×${width}`, { file: name });
  }
  if (patch.kind === 'quarter') return checked({ top: patch.row * (height - h), left: patch.col * (width - w), height: h, width: w }, name);
  return checked({ top: Math.floor(patch.u * (height - h + 1)), left: Math.floor(patch.v * (width - w + 1)), height: h, width: w }, name);
}

function checked(window: Window, name: string): Window {
  if (window.height < MIN_SIDE || window.width < MIN_SIDE) {
    throw new TrainError('DATA_INVALID', `expected training windows of at least ${MIN_SIDE}×${MIN_SIDE} pixels (CSRNet's output stride), found ${window.height}×${window.width}`, { file: name });
  }
  return window;
}
