import { basename, dirname, extname, join } from 'node:path';
import type { FolderListing } from './folder-listing.js';
import type { Sample } from './sample.js';

/** ShanghaiTech annotation folders: the first release's spelling, then the common redistribution's. */
const SHANGHAITECH_GT_FOLDERS = ['ground_truth', 'ground-truth'];

/** One line per recognised layout, for error messages and docs. */
export const LAYOUTS =
  'ShanghaiTech <split>/images/IMG_n.jpg + <split>/ground_truth/GT_IMG_n.mat (or ground-truth/); ' +
  'UCF-QNRF Train|Test/img_n.jpg + img_n_ann.mat; UCF_CC_50 n.jpg + n_ann.mat; ' +
  'JHU-Crowd++ <split>/images/n.jpg + <split>/gt/n.txt; NWPU-Crowd images/n.jpg + jsons/n.json';

/**
 * Matches an image to a dataset layout by looking at the folders around it,
 * and says where its annotation and density are. The annotation need not
 * exist (reading it reports that); the folder that would hold it must.
 *
 * - `…/images/<stem>.jpg` beside `ground_truth/` or `ground-truth/` → ShanghaiTech,
 *   annotation `GT_<stem>.mat` and density `<stem>.h5` in that folder (the
 *   reference's `images`→`ground_truth`, `.jpg`→`.h5` rule). If both spellings
 *   exist, the one holding the annotation wins.
 * - `…/images/<stem>.jpg` beside `gt/` → JHU-Crowd++, `gt/<stem>.txt`.
 * - `…/images/<stem>.jpg` beside `jsons/` → NWPU-Crowd, `jsons/<stem>.json`.
 * - `<stem>.jpg` in a folder of `*_ann.mat` files → UCF: UCF-QNRF when the
 *   folder is `Train` or `Test`, otherwise UCF_CC_50.
 *
 * For all but ShanghaiTech the density is `<stem>.h5` next to the annotation.
 *
 * @returns undefined when the image fits no layout.
 */
export async function sampleForImage(image: string, listing: FolderListing): Promise<Sample | undefined> {
  const dir = dirname(image);
  const stem = basename(image, extname(image));
  if (basename(dir) === 'images') {
    const base = dirname(dir);
    const siblings = await listing.names(base);
    const split = splitName(basename(base));
    const gtFolders = SHANGHAITECH_GT_FOLDERS.filter((name) => siblings.has(name)).map((name) => join(base, name));
    if (gtFolders.length > 0) {
      const annotationName = `GT_${stem}.mat`;
      let gtFolder = gtFolders[0];
      for (const folder of gtFolders) {
        if ((await listing.names(folder)).has(annotationName)) {
          gtFolder = folder;
          break;
        }
      }
      const part = /^part_([AB])(?:_|$)/i.exec(basename(dirname(base)))?.[1].toUpperCase() as 'A' | 'B' | undefined;
      return withOptional(
        { image, annotation: join(gtFolder, annotationName), density: join(gtFolder, `${stem}.h5`), dataset: 'shanghaitech' },
        { part, split },
      );
    }
    if (siblings.has('gt')) {
      const gt = join(base, 'gt');
      return withOptional({ image, annotation: join(gt, `${stem}.txt`), density: join(gt, `${stem}.h5`), dataset: 'jhu-crowd' }, { split });
    }
    if (siblings.has('jsons')) {
      const jsons = join(base, 'jsons');
      return { image, annotation: join(jsons, `${stem}.json`), density: join(jsons, `${stem}.h5`), dataset: 'nwpu-crowd' };
    }
    return undefined;
  }
  if (await listing.hasEntryEndingWith(dir, '_ann.mat')) {
    const qnrf = /^(train|test)$/i.test(basename(dir));
    return withOptional(
      { image, annotation: join(dir, `${stem}_ann.mat`), density: join(dir, `${stem}.h5`), dataset: qnrf ? 'ucf-qnrf' : 'ucf-cc-50' },
      { split: qnrf ? basename(dir).toLowerCase() : undefined },
    );
  }
  return undefined;
}

/** `train_data` → `train`, `Test` → `test`, `val` → `val`; other folder names are not splits. */
function splitName(folder: string): string | undefined {
  const name = folder.toLowerCase().replace(/_data$/, '');
  return name === 'train' || name === 'val' || name === 'test' ? name : undefined;
}

/** Adds only the optional fields that have a value, so samples compare and print cleanly. */
function withOptional(sample: Sample, optional: Pick<Sample, 'part' | 'split'>): Sample {
  if (optional.part !== undefined) sample.part = optional.part;
  if (optional.split !== undefined) sample.split = optional.split;
  return sample;
}
