import { stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { DatasetError } from '../errors.js';
import { parseImageList } from '../image-list.js';
import { splitListEntry, type ListEntryPath } from '../list-entry.js';
import { readInputFile } from './read-input-file.js';

/**
 * Reads a CSRNet list file (a JSON array of image paths) and returns absolute
 * image paths in list order (duplicates included: `findSamples` reports and
 * drops them), written the same way on every platform:
 *
 * - `/` and `\` both separate folders, so `part_A\test_data\images\IMG_1.jpg`
 *   from a Windows machine reads on Linux and the other way round;
 * - a relative entry is resolved against the list file's folder (not the
 *   working directory), so a list travels with its dataset;
 * - an absolute entry of this platform is kept;
 * - a Windows drive or network path (`C:\…`, `\\server\share\…`) read on
 *   another platform cannot be opened as written, so it is resolved by its
 *   tail: the longest trailing part of it (`part_A/test_data/images/IMG_1.jpg`
 *   of `C:\data\ShanghaiTech\part_A\test_data\images\IMG_1.jpg`) that is a
 *   file under the list's folder. With no such file it is a LIST_FORMAT error.
 *
 * @throws DatasetError LIST_FORMAT naming the list when it is missing, not a
 *   JSON array, holds an entry that is not a non-empty string, or a foreign
 *   absolute entry with no tail under the list's folder.
 */
export async function readImageList(listPath: string): Promise<string[]> {
  const file = resolve(listPath);
  const text = new TextDecoder().decode(await readInputFile(file, 'list', 'LIST_FORMAT'));
  const base = dirname(file);
  const entries = parseImageList(text, file);
  const images: string[] = [];
  for (const [i, entry] of entries.entries()) {
    const path = splitListEntry(entry);
    images.push(isNative(path) ? nativePath(entry, path, base) : await tailUnder(base, path, file, i, entry));
  }
  return images;
}

/** Drive and UNC paths are this platform's own only on Windows. */
function isNative(path: ListEntryPath): boolean {
  return path.kind === 'relative' || path.kind === 'absolute' || process.platform === 'win32';
}

function nativePath(entry: string, path: ListEntryPath, base: string): string {
  if (path.kind === 'relative') return resolve(base, ...path.parts);
  if (path.kind === 'absolute') return resolve(sep, ...path.parts);
  return resolve(entry.replaceAll('/', sep));
}

async function tailUnder(base: string, path: ListEntryPath, list: string, index: number, entry: string): Promise<string> {
  for (let start = 0; start < path.parts.length; start++) {
    const candidate = join(base, ...path.parts.slice(start));
    if (await stat(candidate).then((s) => s.isFile(), () => false)) return candidate;
  }
  const where = path.kind === 'drive' ? `a Windows path on drive ${path.root}:` : `a Windows network path (\\\\${path.root?.replace('/', '\\')})`;
  const tried = path.parts.length === 0 ? 'it names no file' : `no file under the list's folder ${base} ends it (looked for ${path.parts.join('/')} and each shorter tail, down to ${path.parts.at(-1)})`;
  throw new DatasetError('LIST_FORMAT', list, `entry ${index} (${JSON.stringify(entry)}) is ${where}, which cannot be opened here, and ${tried}; write the entry relative to the list's folder`);
}
