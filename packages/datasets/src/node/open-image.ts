import sharp, { type Metadata } from 'sharp';
import { DatasetError } from '../errors.js';
import { readInputFile } from './read-input-file.js';

const SUPPORTED_FORMATS = new Set(['jpeg', 'png', 'webp']);

/** An image file read into memory and checked to be a format we decode. */
export interface OpenedImage {
  bytes: Uint8Array;
  format: string;
  metadata: Metadata;
}

/**
 * Reads an image file and checks its header, without decoding the pixels.
 *
 * @throws DatasetError IMAGE_FORMAT naming the file when it is missing, not
 *   decodable or not a JPEG, PNG or WebP.
 */
export async function openImage(path: string): Promise<OpenedImage> {
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
  return { bytes, format, metadata };
}
