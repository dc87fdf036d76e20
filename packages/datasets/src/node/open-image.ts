import sharp, { type Metadata } from 'sharp';
import { DatasetError } from '../errors.js';
import { checkPixelBudget } from '../pixel-budget.js';
import { readInputFile } from './read-input-file.js';

const SUPPORTED_FORMATS = new Set(['jpeg', 'png', 'webp']);

/** An image file read into memory and checked to be a format we decode. */
export interface OpenedImage {
  bytes: Uint8Array;
  format: string;
  metadata: Metadata;
  /** Stored size in pixels, before any EXIF rotation. */
  width: number;
  height: number;
}

/**
 * Reads an image file and checks its header, without decoding the pixels:
 * the format, and the size against `maxPixels` (a resolved budget).
 *
 * @throws DatasetError IMAGE_FORMAT naming the file when it is missing, not
 *   decodable or not a JPEG, PNG or WebP; LimitExceededError (option
 *   `maxPixels`) when it has more pixels than `maxPixels`.
 */
export async function openImage(path: string, maxPixels: number): Promise<OpenedImage> {
  const bytes = await readInputFile(path, 'image', 'IMAGE_FORMAT');
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes).metadata();
  } catch (error) {
    throw new DatasetError('IMAGE_FORMAT', path, `expected a JPEG, PNG or WebP image; cannot decode it (${(error as Error).message})`, { cause: error });
  }
  const format = metadata.format;
  if (format === undefined || !SUPPORTED_FORMATS.has(format)) {
    throw new DatasetError('IMAGE_FORMAT', path, `expected a JPEG, PNG or WebP image; found ${format ?? 'an unknown format'}`);
  }
  const { width, height } = metadata;
  if (width === undefined || height === undefined) throw new DatasetError('IMAGE_FORMAT', path, 'the image header has no size');
  checkPixelBudget(path, `the ${format} image`, width, height, maxPixels);
  return { bytes, format, metadata, width, height };
}
