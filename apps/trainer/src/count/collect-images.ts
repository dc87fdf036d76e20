import { readdir, stat } from 'node:fs/promises';
import { extname, join, parse, relative } from 'node:path';
import { naturalCompare } from '@crowd/datasets';

/** What `crowd count` decodes (sharp: JPEG, PNG, WebP). */
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp']);
/** Image files found in a folder that are reported as unsupported rather than silently passed over. */
export const UNSUPPORTED_IMAGE_EXTENSIONS = new Set([
  '.gif',
  '.bmp',
  '.tif',
  '.tiff',
  '.heic',
  '.heif',
  '.avif',
  '.jp2',
  '.jxl',
  '.svg',
  '.ico',
  '.ppm',
  '.pgm',
]);

export type ImageEntry =
  /** `name`: the path below the argument it was found in, without extension, for naming outputs (`a/b/IMG_1`). */
  { path: string; name: string } | { path: string; error: string };

/**
 * The images named on the command line, in order. A file is taken as given
 * (its decoder decides whether it is an image). A folder is walked
 * recursively in natural order (`IMG_2` before `IMG_10`), skipping hidden
 * entries and not following links to folders (no cycles), and its JPEG, PNG
 * and WebP files are taken by extension. Other image types in a folder (GIF,
 * TIFF, HEIC, …) and paths that do not exist come back as errors so they are
 * reported; any other file (annotations, `.h5`) is not an image and is
 * passed over. Yields lazily, so counting starts at once.
 */
export async function* collectImages(args: readonly string[]): AsyncGenerator<ImageEntry> {
  for (const arg of args) {
    let info;
    try {
      info = await stat(arg);
    } catch (error) {
      yield { path: arg, error: `cannot read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}` };
      continue;
    }
    if (info.isDirectory()) yield* walk(arg, arg);
    else yield { path: arg, name: parse(arg).name };
  }
}

async function* walk(root: string, dir: string): AsyncGenerator<ImageEntry> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => naturalCompare(a.name, b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      yield* walk(root, path);
      continue;
    }
    const ext = extname(entry.name).toLowerCase();
    if (IMAGE_EXTENSIONS.has(ext)) {
      const rel = relative(root, path);
      yield { path, name: rel.slice(0, rel.length - extname(rel).length) };
    } else if (UNSUPPORTED_IMAGE_EXTENSIONS.has(ext)) {
      yield { path, error: `unsupported image type ${ext} (crowd count reads JPEG, PNG and WebP)` };
    }
  }
}
