import { stat } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import type { Sample } from '@crowd/datasets/node';
import { readDensityH5, readHeadPoints, readImageRGB } from '@crowd/datasets/node';
import type { TrainingSample, TrainingSet, ValidationSample, ValidationSet, ValidationTruth } from '../data.js';
import { TrainError } from '../errors.js';
import { referenceTargetCount } from '../training-target.js';

const isFile = (path: string): Promise<boolean> => stat(path).then((s) => s.isFile(), () => false);

/**
 * Images are read in stored pixel order (`exifOrientation: false`): the head
 * annotations, and so the density maps, were made on that order (MATLAB and
 * the reference ignore EXIF rotation too). `maxPixels` bounds the image and
 * its density map alike (datasets' pixel budget, 100 MP by default).
 */
const readImage = (path: string, maxPixels: number | undefined) => readImageRGB(path, { exifOrientation: false, maxPixels });

async function missing(paths: readonly string[]): Promise<string[]> {
  const found = await Promise.all(paths.map(isFile));
  return paths.filter((_, i) => !found[i]);
}

/** The deepest folder holding every path: what to pass to `crowd prepare`. */
function commonFolder(paths: readonly string[]): string {
  let common = dirname(paths[0]);
  const outside = (p: string) => relative(common, p).split(sep)[0] === '..';
  for (const p of paths) while (outside(p)) common = dirname(common);
  return common;
}

function densityMissing(kind: string, samples: readonly Sample[], absent: readonly string[], hint: string | undefined): TrainError {
  const images = samples.filter((s) => absent.includes(s.density)).map((s) => s.image);
  const root = hint ?? commonFolder(images);
  return new TrainError(
    'DENSITY_MISSING',
    `${absent.length} of ${samples.length} ${kind} images have no density map (expected ${absent[0]}${absent.length > 1 ? ' and others' : ''}); run \`crowd prepare ${root}\` first`,
    { file: absent[0] },
  );
}

export interface FileTrainingSetOptions {
  /** Decoded samples kept in memory, most recently used first (the nine patches of an image reuse one decode). @default 8 */
  cacheSize?: number;
  /** The folder named in the "run `crowd prepare <folder>`" hint. @default the folder holding all the images */
  prepareRoot?: string;
  /** The most pixels an image (and its density map) may have; larger ones are refused before decoding. @default 100_000_000 */
  maxPixels?: number;
}

/** Training samples read from files: the image (JPEG, PNG, WebP) and the density `.h5` that `crowd prepare` wrote. */
export function fileTrainingSet(samples: readonly Sample[], options: FileTrainingSetOptions = {}): TrainingSet {
  const capacity = options.cacheSize ?? 8;
  const cache = new Map<number, TrainingSample>();
  return {
    size: samples.length,
    async check() {
      const absent = await missing(samples.map((s) => s.density));
      if (absent.length > 0) throw densityMissing('training', samples, absent, options.prepareRoot);
    },
    async load(index) {
      const cached = cache.get(index);
      if (cached !== undefined) {
        // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
        cache.delete(index);
        cache.set(index, cached);
        return cached;
      }
      const sample = samples[index];
      const [image, density] = await Promise.all([readImage(sample.image, options.maxPixels), readDensityH5(sample.density, { maxPixels: options.maxPixels })]);
      const loaded = { name: sample.image, image, density };
      if (capacity > 0) {
        cache.set(index, loaded);
        if (cache.size > capacity) cache.delete(cache.keys().next().value!);
      }
      return loaded;
    },
  };
}

export interface FileValidationSetOptions {
  /** The folder named in the "run `crowd prepare <folder>`" hint (reference-target validation). */
  prepareRoot?: string;
  /** The most pixels an image (and its density map) may have; larger ones are refused before decoding. @default 100_000_000 */
  maxPixels?: number;
}

/**
 * Validation samples read from files. The true count is the number of
 * annotated heads (every point of the annotation, as papers and `crowd eval`
 * count them, so the two report the same MAE) or, for
 * `'reference-target'`, the sum of the reference's bicubic target of the
 * density `.h5`. Counts are computed once and kept.
 */
export function fileValidationSet(samples: readonly Sample[], options: FileValidationSetOptions = {}): ValidationSet {
  const counts = new Map<string, number>();
  return {
    size: samples.length,
    async check(truth: ValidationTruth) {
      if (truth === 'reference-target') {
        const absent = await missing(samples.map((s) => s.density));
        if (absent.length > 0) throw densityMissing('validation', samples, absent, options.prepareRoot);
        return;
      }
      const absent = await missing(samples.map((s) => s.annotation));
      if (absent.length > 0) {
        throw new TrainError('ANNOTATION_MISSING', `${absent.length} of ${samples.length} validation images have no head annotation (expected ${absent[0]}${absent.length > 1 ? ' and others' : ''})`, {
          file: absent[0],
        });
      }
    },
    async load(index, truth): Promise<ValidationSample> {
      const sample = samples[index];
      const image = await readImage(sample.image, options.maxPixels);
      const key = `${truth}:${index}`;
      let count = counts.get(key);
      if (count === undefined) {
        count = truth === 'reference-target' ? referenceTargetCount(await readDensityH5(sample.density, { maxPixels: options.maxPixels })) : (await readHeadPoints(sample)).length / 2;
        counts.set(key, count);
      }
      return { name: sample.image, image, count };
    },
  };
}
