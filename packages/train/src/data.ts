import type { RgbImage } from '@crowd/datasets';
import type { DensityMap } from '@crowd/density';

/** One training image and its full-resolution density map (what `crowd prepare` writes). */
export interface TrainingSample {
  /** Names the image in logs and errors (a path, for files). */
  name: string;
  image: RgbImage;
  density: DensityMap;
}

/** The training images, read on demand (injected: files in Node, anything elsewhere). */
export interface TrainingSet {
  readonly size: number;
  /** Fails early, before any training, when a sample cannot be used (e.g. its density map is missing). */
  check(): Promise<void>;
  load(index: number): Promise<TrainingSample>;
}

/**
 * What a validation image's predicted count is compared with:
 * `'annotation'`, every annotated head (the annotation's point count); `'reference-target'`,
 * the sum of the reference's bicubic 1/8 target (train.py's validation).
 */
export type ValidationTruth = 'annotation' | 'reference-target';

export interface ValidationSample {
  name: string;
  image: RgbImage;
  /** The true count under the requested {@link ValidationTruth}. */
  count: number;
}

/** The validation images and their true counts, read on demand. */
export interface ValidationSet {
  readonly size: number;
  /** Fails early when a sample lacks what `truth` needs (an annotation, or a density map). */
  check(truth: ValidationTruth): Promise<void>;
  load(index: number, truth: ValidationTruth): Promise<ValidationSample>;
}
