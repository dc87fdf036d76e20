import { dirname, resolve } from 'node:path';
import { parseImageList } from '../image-list.js';
import { readInputFile } from './read-input-file.js';

/**
 * Reads a CSRNet list file (a JSON array of image paths) and returns absolute
 * image paths: absolute entries are kept, relative ones are resolved against
 * the list file's folder (not the working directory), so a list travels with
 * its dataset.
 *
 * @throws DatasetError LIST_FORMAT naming the list when it is missing, not a
 *   JSON array, or holds an entry that is not a non-empty string.
 */
export async function readImageList(listPath: string): Promise<string[]> {
  const file = resolve(listPath);
  const text = new TextDecoder().decode(await readInputFile(file, 'list', 'LIST_FORMAT'));
  const base = dirname(file);
  return parseImageList(text, file).map((entry) => resolve(base, entry));
}
