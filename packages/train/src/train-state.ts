import { resolveTrainConfig, type ResolvedTrainConfig } from './config.js';
import { describeValue, TrainError } from './errors.js';
import { Prng, type PrngState } from './prng.js';

/** What one finished epoch left in the history. */
export interface EpochSummary {
  epoch: number;
  step: number;
  loss: number;
  valMae: number;
  valRmse: number;
}

export const TRAIN_STATE_FORMAT = 'crowd-train-state';
export const TRAIN_STATE_VERSION = 1;

/**
 * Everything besides weights and optimiser state that a run needs to continue
 * exactly where it stopped; plain JSON (`state.json` in a checkpoint folder).
 */
export interface TrainState {
  format: typeof TRAIN_STATE_FORMAT;
  version: typeof TRAIN_STATE_VERSION;
  config: ResolvedTrainConfig;
  /** Training images the run was started with; resuming on another number is refused. */
  trainImages: number;
  /** Epochs finished. */
  epoch: number;
  /** Optimisation steps taken. */
  step: number;
  /** Steps taken in the unfinished epoch `epoch + 1`. */
  stepInEpoch: number;
  /** The generator at the start of epoch `epoch + 1`: the epoch's examples are replayed from it. */
  epochRng: PrngState;
  /** Sum of the step losses and examples so far in the unfinished epoch. */
  epochLoss: number;
  epochImages: number;
  /** The lowest validation MAE so far and its epoch. */
  best: { mae: number; epoch: number } | null;
  history: EpochSummary[];
  /** The log's position when this state was saved. */
  logBytes: number;
}

/** The state of a run about to take its first step. */
export function initialTrainState(config: ResolvedTrainConfig, trainImages: number): TrainState {
  return {
    format: TRAIN_STATE_FORMAT,
    version: TRAIN_STATE_VERSION,
    config,
    trainImages,
    epoch: 0,
    step: 0,
    stepInEpoch: 0,
    epochRng: Prng.fromSeed(config.seed).state(),
    epochLoss: 0,
    epochImages: 0,
    best: null,
    history: [],
    logBytes: 0,
  };
}

/** Checks a parsed `state.json`; anything missing or of the wrong type is a `CHECKPOINT_INVALID` error naming `source`. */
export function parseTrainState(json: unknown, source?: string): TrainState {
  const bad = (field: string, expected: string, value: unknown) => new TrainError('CHECKPOINT_INVALID', `${field}: expected ${expected}, found ${describeValue(value)}`, { file: source });
  const s = json as Partial<TrainState> | null;
  if (typeof s !== 'object' || s === null) throw bad('state', 'an object', s);
  if (s.format !== TRAIN_STATE_FORMAT || s.version !== TRAIN_STATE_VERSION) {
    const found = `${describeValue(s.format)} version ${describeValue(s.version)}`;
    throw new TrainError('CHECKPOINT_INVALID', `format: expected ${TRAIN_STATE_FORMAT} version ${TRAIN_STATE_VERSION}, found ${found}`, { file: source });
  }
  const count = (field: keyof TrainState) => {
    const v = s[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw bad(field, 'an integer ≥ 0', v);
  };
  for (const field of ['trainImages', 'epoch', 'step', 'stepInEpoch', 'epochImages', 'logBytes'] as const) count(field);
  if (typeof s.epochLoss !== 'number' || !Number.isFinite(s.epochLoss)) throw bad('epochLoss', 'a finite number', s.epochLoss);
  if (s.best !== null && (typeof s.best?.mae !== 'number' || !Number.isInteger(s.best?.epoch))) throw bad('best', 'null or { mae, epoch }', s.best);
  if (!Array.isArray(s.history)) throw bad('history', 'an array', s.history);
  try {
    Prng.fromState(s.epochRng as PrngState);
  } catch (error) {
    throw new TrainError('CHECKPOINT_INVALID', (error as Error).message, { file: source, cause: error });
  }
  let config: ResolvedTrainConfig;
  try {
    config = resolveTrainConfig(s.config);
  } catch (error) {
    throw new TrainError('CHECKPOINT_INVALID', `config: ${(error as Error).message}`, { file: source, cause: error });
  }
  return { ...(s as TrainState), config };
}
