import { DatasetError, LimitExceededError } from './errors.js';

/**
 * The most pixels (width × height) an image is decoded with, and a density
 * map read with, unless the caller sets `maxPixels`: 100 MP.
 *
 * Why 100 MP: the largest images of the supported datasets are UCF-QNRF's
 * (up to 6666×9999, 67 MP) and phone photos reach 50 MP, so every real input
 * fits; at 100 MP the decoded RGB is 300 MB and a float32 map 400 MB, so two
 * `crowd prepare` workers stay within a few GB. libvips' own limit, 268 MP,
 * let a 195 KB PNG of 100000×2000 through. Decoding costs memory and time in
 * proportion to pixels, whatever the file's size, so the budget is checked on
 * the header before any pixel is decoded.
 */
export const DEFAULT_MAX_PIXELS = 100_000_000;

/**
 * Checks a `maxPixels` option: a positive integer, or undefined for
 * {@link DEFAULT_MAX_PIXELS}.
 *
 * @throws DatasetError INVALID_OPTION naming the value.
 */
export function resolveMaxPixels(maxPixels: number | undefined): number {
  if (maxPixels === undefined) return DEFAULT_MAX_PIXELS;
  if (!Number.isSafeInteger(maxPixels) || maxPixels < 1) {
    throw new DatasetError('INVALID_OPTION', undefined, `maxPixels must be a positive integer number of pixels; found ${String(maxPixels)}`);
  }
  return maxPixels;
}

/**
 * Refuses a `width`×`height` `what` (an image, a density map) of more than
 * `maxPixels` pixels, with a message that names the budget and how to raise it.
 *
 * @throws LimitExceededError with option `'maxPixels'`.
 */
export function checkPixelBudget(file: string, what: string, width: number, height: number, maxPixels: number): void {
  const pixels = width * height;
  if (pixels <= maxPixels) return;
  throw new LimitExceededError(file, {
    option: 'maxPixels',
    limit: maxPixels,
    needed: pixels,
    message: `${what} is ${width}×${height} = ${pixels} pixels, over the budget of ${maxPixels} pixels (the maxPixels option; crowd CLI: --max-pixels ${pixels} reads it)`,
  });
}
