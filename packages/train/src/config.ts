import { describeValue, TrainError } from './errors.js';

/** The two starting points for a configuration. */
export type TrainPreset = 'reference' | 'paper';

/**
 * What one training example is cut from an image:
 * - `'full'`: the whole image (the reference as it runs);
 * - `'nine-patch'`: the paper's nine patches per image, each half the height
 *   and half the width: the four quarters and five at random positions;
 * - `{ height, width }`: one fixed-size crop at a random position, so that
 *   examples of different images can share a batch.
 */
export type CropMode = 'full' | 'nine-patch' | { height: number; width: number };

/**
 * How the 1/8-resolution target is made from the (cropped) density map:
 * `'sum'` sums 8×8 blocks, so the target's sum is the crop's head count;
 * `'bicubic'` is the reference's `cv2.resize(…, INTER_CUBIC) * 64`, whose sum is not.
 */
export type TargetMethod = 'sum' | 'bicubic';

export type OptimizerName = 'sgd' | 'adam';

/** Options of a training run; every field is optional and starts from the chosen preset. */
export interface TrainConfig {
  /** Where every unset option comes from (see {@link TRAIN_PRESETS}). @default 'paper' */
  preset?: TrainPreset;
  /** Passes over the (repeated) training list. @default 400 */
  epochs?: number;
  /** @default 'sgd' */
  optimizer?: OptimizerName;
  /** Learning rate (constant unless a schedule is given to `train`). @default 1e-6 (paper), 1e-7 (reference) */
  lr?: number;
  /** SGD momentum. @default 0.95 */
  momentum?: number;
  /** L2 penalty added to every gradient, biases included (PyTorch's `weight_decay`, for SGD and Adam alike). @default 5e-4 */
  weightDecay?: number;
  /** Adam's β₁, β₂. @default [0.9, 0.999] */
  adamBetas?: [number, number];
  /** Adam's ε. @default 1e-8 */
  adamEps?: number;
  /**
   * Examples per optimisation step. The step's loss is the sum of the
   * examples' sums of squared errors and its gradient the sum of theirs
   * (PyTorch's `MSELoss(size_average=False)` on a batch: a sum, not a mean,
   * so SGD's good learning rate shrinks as the batch grows). Examples may
   * differ in size (full images, quarters): each is then computed alone and
   * their gradients summed in batch order (gradient accumulation), which is
   * also how `workerCompute` spreads a batch over threads. @default 1
   */
  batch?: number;
  /** @default 'nine-patch' (paper), 'full' (reference) */
  crop?: CropMode;
  /** Mirror each example left–right with probability ½ (image and density together). @default true (paper), false (reference) */
  mirror?: boolean;
  /** Each epoch goes over the list this many times, in one shuffled order (the reference's `root * 4`). @default 1 (paper), 4 (reference) */
  repeat?: number;
  /** Shuffle the examples of each epoch. @default true */
  shuffle?: boolean;
  /** @default 'sum' (paper), 'bicubic' (reference) */
  target?: TargetMethod;
  /**
   * Validate against the sum of the reference's bicubic 1/8 target, as
   * train.py does, instead of the annotated head count in the image.
   * @default false (paper), true (reference)
   */
  referenceEval?: boolean;
  /** Seeds the shuffling, crops and mirroring (and, in the CLI, the model's init). @default 0 */
  seed?: number;
  /** Also write a checkpoint every this many steps inside an epoch; 0 writes one at the end of each epoch only. @default 0 */
  checkpointEvery?: number;
  /** Stop after this many optimisation steps in all (a checkpoint is written there); null runs all epochs. @default null */
  maxSteps?: number | null;
}

/** A validated configuration with every default filled in; checkpoints record it. */
export interface ResolvedTrainConfig {
  preset: TrainPreset;
  epochs: number;
  optimizer: OptimizerName;
  lr: number;
  momentum: number;
  weightDecay: number;
  adamBetas: [number, number];
  adamEps: number;
  batch: number;
  crop: CropMode;
  mirror: boolean;
  repeat: number;
  shuffle: boolean;
  target: TargetMethod;
  referenceEval: boolean;
  seed: number;
  checkpointEvery: number;
  maxSteps: number | null;
}

const COMMON = {
  epochs: 400,
  optimizer: 'sgd',
  momentum: 0.95,
  weightDecay: 5e-4,
  adamBetas: [0.9, 0.999],
  adamEps: 1e-8,
  batch: 1,
  shuffle: true,
  seed: 0,
  checkpointEvery: 0,
  maxSteps: null,
} as const;

/**
 * The presets. `reference` is train.py as it really runs (reference notes
 * §4–§7): SGD lr 1e-7, momentum 0.95, weight decay 5e-4, 400 epochs, batch 1
 * on full images with no augmentation (its crop and flip sit under
 * `if False:`), each epoch the list ×4 in one shuffled order, bicubic ×64
 * targets and validation against their sums. `paper` is the paper's recipe
 * (lr 1e-6, nine ¼-size patches per image, mirroring) with count-exact
 * sum-pooled targets and validation against the annotated counts.
 */
export const TRAIN_PRESETS: Readonly<Record<TrainPreset, Readonly<ResolvedTrainConfig>>> = Object.freeze({
  reference: Object.freeze({ ...COMMON, adamBetas: [0.9, 0.999], preset: 'reference', lr: 1e-7, crop: 'full', mirror: false, repeat: 4, target: 'bicubic', referenceEval: true }),
  paper: Object.freeze({ ...COMMON, adamBetas: [0.9, 0.999], preset: 'paper', lr: 1e-6, crop: 'nine-patch', mirror: true, repeat: 1, target: 'sum', referenceEval: false }),
}) as Readonly<Record<TrainPreset, Readonly<ResolvedTrainConfig>>>;

/** @default preset of {@link resolveTrainConfig}. */
export const DEFAULT_TRAIN_PRESET: TrainPreset = 'paper';

/** Options a resumed run may change: they do not alter the steps it replays. */
export const RESUMABLE_OPTIONS = ['epochs', 'maxSteps', 'checkpointEvery'] as const;

/** Every option, in the order `TrainConfig` documents them (error messages list them so). */
const KEYS = new Set<string>(['preset', 'epochs', 'optimizer', 'lr', 'momentum', 'weightDecay', 'adamBetas', 'adamEps', 'batch', 'crop', 'mirror', 'repeat', 'shuffle', 'target', 'referenceEval', 'seed', 'checkpointEvery', 'maxSteps'] satisfies Array<keyof TrainConfig>);

const invalid = (option: string, expected: string, value: unknown): TrainError =>
  new TrainError('CONFIG_INVALID', `${option}: expected ${expected}, got ${describeValue(value)}`);

const isPositiveInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/**
 * Fills in the preset's defaults and validates. Throws
 * `TrainError('CONFIG_INVALID')` naming the option, what it expects and the
 * value found; unknown options are rejected so a misspelt one is not ignored.
 */
export function resolveTrainConfig(config: TrainConfig = {}): ResolvedTrainConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw invalid('config', 'an object', config);
  for (const key of Object.keys(config)) {
    if (!KEYS.has(key)) throw invalid(key, `no such option (known: ${[...KEYS].join(', ')})`, (config as Record<string, unknown>)[key]);
  }
  const preset = config.preset ?? DEFAULT_TRAIN_PRESET;
  if (!Object.hasOwn(TRAIN_PRESETS, preset)) throw invalid('preset', "'reference' or 'paper'", preset);
  const defined = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
  const c = { ...TRAIN_PRESETS[preset], ...defined, preset } as ResolvedTrainConfig;

  if (!isPositiveInteger(c.epochs)) throw invalid('epochs', 'a positive integer', c.epochs);
  if (c.optimizer !== 'sgd' && c.optimizer !== 'adam') throw invalid('optimizer', "'sgd' or 'adam'", c.optimizer);
  if (typeof c.lr !== 'number' || !Number.isFinite(c.lr) || c.lr <= 0) throw invalid('lr', 'a finite number > 0', c.lr);
  if (typeof c.momentum !== 'number' || !(c.momentum >= 0 && c.momentum < 1)) throw invalid('momentum', 'a number in [0, 1)', c.momentum);
  if (typeof c.weightDecay !== 'number' || !Number.isFinite(c.weightDecay) || c.weightDecay < 0) throw invalid('weightDecay', 'a finite number ≥ 0', c.weightDecay);
  const betas = c.adamBetas;
  if (!Array.isArray(betas) || betas.length !== 2 || !betas.every((b) => typeof b === 'number' && b >= 0 && b < 1)) {
    throw invalid('adamBetas', 'two numbers in [0, 1)', betas);
  }
  if (typeof c.adamEps !== 'number' || !Number.isFinite(c.adamEps) || c.adamEps <= 0) throw invalid('adamEps', 'a finite number > 0', c.adamEps);
  if (!isPositiveInteger(c.batch)) throw invalid('batch', 'a positive integer', c.batch);
  const crop = c.crop;
  if (typeof crop === 'object' && crop !== null) {
    const keys = Object.keys(crop).sort().join(',');
    // CSRNet pools three times, so a crop under 8 pixels has no output.
    if (keys !== 'height,width' || !isPositiveInteger(crop.height) || !isPositiveInteger(crop.width) || crop.height < 8 || crop.width < 8) {
      throw invalid('crop', "'full', 'nine-patch' or { height, width } with integers ≥ 8", crop);
    }
  } else if (crop !== 'full' && crop !== 'nine-patch') {
    throw invalid('crop', "'full', 'nine-patch' or { height, width } with integers ≥ 8", crop);
  }
  for (const key of ['mirror', 'shuffle', 'referenceEval'] as const) {
    if (typeof c[key] !== 'boolean') throw invalid(key, 'a boolean', c[key]);
  }
  if (!isPositiveInteger(c.repeat)) throw invalid('repeat', 'a positive integer', c.repeat);
  if (c.target !== 'sum' && c.target !== 'bicubic') throw invalid('target', "'sum' or 'bicubic'", c.target);
  if (!Number.isInteger(c.seed) || c.seed < 0 || c.seed > 0xffffffff) throw invalid('seed', 'an integer in [0, 4294967295]', c.seed);
  if (!Number.isInteger(c.checkpointEvery) || c.checkpointEvery < 0) throw invalid('checkpointEvery', 'an integer ≥ 0 (0: at epoch ends only)', c.checkpointEvery);
  if (c.maxSteps !== null && !isPositiveInteger(c.maxSteps)) throw invalid('maxSteps', 'a positive integer or null', c.maxSteps);
  return {
    preset: c.preset,
    epochs: c.epochs,
    optimizer: c.optimizer,
    lr: c.lr,
    momentum: c.momentum,
    weightDecay: c.weightDecay,
    adamBetas: [betas[0], betas[1]],
    adamEps: c.adamEps,
    batch: c.batch,
    crop: typeof crop === 'object' ? { height: crop.height, width: crop.width } : crop,
    mirror: c.mirror,
    repeat: c.repeat,
    shuffle: c.shuffle,
    target: c.target,
    referenceEval: c.referenceEval,
    seed: c.seed,
    checkpointEvery: c.checkpointEvery,
    maxSteps: c.maxSteps,
  };
}

/**
 * The configuration of a resumed run: the checkpoint's, with only
 * {@link RESUMABLE_OPTIONS} taken from `overrides`. Any other option given
 * with a different value is a `CONFIG_INVALID` error, because the replayed
 * steps would no longer be the ones the checkpoint was part of.
 */
export function resumeTrainConfig(saved: ResolvedTrainConfig, overrides: TrainConfig = {}): ResolvedTrainConfig {
  const merged: TrainConfig = { ...saved };
  for (const [key, value] of Object.entries(overrides) as Array<[keyof TrainConfig, unknown]>) {
    if (value === undefined) continue;
    if ((RESUMABLE_OPTIONS as readonly string[]).includes(key)) {
      (merged as Record<string, unknown>)[key] = value;
    } else if (JSON.stringify(value) !== JSON.stringify(saved[key as keyof ResolvedTrainConfig])) {
      throw new TrainError(
        'CONFIG_INVALID',
        `resume: ${key} is ${describeValue(saved[key as keyof ResolvedTrainConfig])} in the checkpoint, got ${describeValue(value)}; a resumed run keeps its settings except ${RESUMABLE_OPTIONS.join(', ')}`,
      );
    }
  }
  return resolveTrainConfig(merged);
}
