import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { DatasetError } from '../errors.js';
import { naturalCompare } from '../natural-compare.js';
import { FolderListing } from './folder-listing.js';
import { readImageList } from './read-image-list.js';
import type { Sample } from './sample.js';
import { LAYOUTS, sampleForImage } from './sample-layout.js';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp']);
/** Duplicate list entries named one by one in the warning; the rest are counted. */
const DUPLICATES_SHOWN = 10;

export interface FindSamplesOptions {
  /**
   * Receives warnings about the input that do not stop the search: duplicate
   * entries in a list file (each image is then listed once).
   * @default process.emitWarning (printed on stderr by Node)
   */
  onWarning?: (message: string) => void;
}

/**
 * Lists the samples of a dataset, recognising its layout without configuration
 * (see the README's layout table).
 *
 * `rootOrList` is either a folder at any level of a dataset (the ShanghaiTech
 * root holding part_A/part_B, a part folder, a split folder, ...), searched
 * recursively, or a `.json` list file of image paths, whose images are matched
 * to annotations by the same layout rules.
 *
 * Every image in a recognised layout is listed, even when its annotation file
 * is missing (NWPU-Crowd's test images have none): `readHeadPoints` reports
 * that as ANNOTATION_MISSING. Images outside any layout are skipped when
 * searching a folder, and are an error in a list file. Hidden folders are not
 * searched. The result is sorted by image path in natural order (IMG_2 before
 * IMG_10), the same on every machine. A list that names an image more than
 * once (after resolving its entries, see readImageList) gives one sample for
 * it, and the repeats are reported through `onWarning`, so that no image is
 * evaluated or trained on twice without a word.
 *
 * @throws DatasetError DATASET_LAYOUT when the path does not exist or holds no
 *   recognised images; LIST_FORMAT for a bad list or a listed image that is missing.
 */
export async function findSamples(rootOrList: string, options: FindSamplesOptions = {}): Promise<Sample[]> {
  const path = resolve(rootOrList);
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch (error) {
    throw new DatasetError('DATASET_LAYOUT', path, 'expected a dataset folder or a .json list file; nothing exists at this path', { cause: error });
  }
  const listing = new FolderListing();
  const onWarning = options.onWarning ?? ((message: string) => process.emitWarning(message, 'CrowdDatasetWarning'));
  const samples = stats.isDirectory() ? await samplesInFolder(path, listing) : await samplesInList(path, listing, onWarning);
  return samples.sort((a, b) => naturalCompare(a.image, b.image));
}

async function samplesInFolder(root: string, listing: FolderListing): Promise<Sample[]> {
  const images = await findImages(root);
  const samples = (await Promise.all(images.map((image) => sampleForImage(image, listing)))).filter((s) => s !== undefined);
  if (samples.length === 0) {
    throw new DatasetError('DATASET_LAYOUT', root, `expected images in a recognised dataset layout (${LAYOUTS}); found ${images.length} images, none in such a layout`);
  }
  return samples;
}

async function samplesInList(listPath: string, listing: FolderListing, onWarning: (message: string) => void): Promise<Sample[]> {
  if (extname(listPath).toLowerCase() !== '.json') {
    throw new DatasetError('DATASET_LAYOUT', listPath, `expected a dataset folder or a .json list file; found a ${extname(listPath) || 'extensionless'} file`);
  }
  const images = await readImageList(listPath);
  const first = new Map<string, number>();
  const repeats: string[] = [];
  images.forEach((image, i) => {
    const seen = first.get(image);
    if (seen === undefined) first.set(image, i);
    else repeats.push(`entry ${i} repeats entry ${seen} (${image})`);
  });
  if (repeats.length > 0) {
    const more = repeats.length > DUPLICATES_SHOWN ? `; and ${repeats.length - DUPLICATES_SHOWN} more` : '';
    onWarning(`${listPath}: ${repeats.length} duplicate ${repeats.length === 1 ? 'entry' : 'entries'} skipped, each image is used once: ${repeats.slice(0, DUPLICATES_SHOWN).join('; ')}${more}`);
  }
  return Promise.all(
    [...first].map(async ([image, i]) => {
      if (!(await stat(image).then((entry) => entry.isFile(), () => false))) {
        throw new DatasetError('LIST_FORMAT', listPath, `entry ${i}: image not found at ${image}`);
      }
      const sample = await sampleForImage(image, listing);
      if (sample === undefined) {
        throw new DatasetError('DATASET_LAYOUT', listPath, `entry ${i}: ${image} is not in a recognised dataset layout (${LAYOUTS})`);
      }
      return sample;
    }),
  );
}

/** Image files under `root`, following symlinked folders but never visiting a folder twice. */
async function findImages(root: string): Promise<string[]> {
  const images: string[] = [];
  const visited = new Set<string>();
  const visit = async (dir: string): Promise<void> => {
    const real = await realpath(dir);
    if (visited.has(real)) return;
    visited.add(real);
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      throw new DatasetError('DATASET_LAYOUT', dir, `cannot list folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      const target = entry.isSymbolicLink() ? await stat(path).catch(() => undefined) : entry;
      if (target?.isDirectory()) await visit(path);
      else if (target?.isFile() && IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) images.push(path);
    }
  };
  await visit(root);
  return images;
}
