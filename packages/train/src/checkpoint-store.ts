import type { CsrnetModel } from '@crowd/csrnet';
import type { OptimizerState } from './optimizer.js';
import type { TrainState } from './train-state.js';

/** A complete snapshot of a run: weights, optimiser state and the rest of its state. */
export interface Checkpoint {
  model: CsrnetModel;
  optimizer: OptimizerState;
  state: TrainState;
}

/** What is recorded beside the best model. */
export interface BestModelInfo {
  epoch: number;
  step: number;
  valMae: number;
  valRmse: number;
}

/**
 * Where checkpoints go (injected: a folder in Node). `save` must be atomic:
 * a run killed at any moment leaves either the previous checkpoint or the
 * new one, never a mixture.
 */
export interface CheckpointStore {
  /** Names the place in messages (a folder path, for files). */
  readonly location: string;
  /** Whether a checkpoint is there (after recovering from an interrupted save). */
  exists(): Promise<boolean>;
  /** The last checkpoint, or undefined when there is none. */
  load(): Promise<Checkpoint | undefined>;
  save(checkpoint: Checkpoint): Promise<void>;
  /** Keeps `model` as the best model so far (atomically, like `save`). */
  saveBest(model: CsrnetModel, info: BestModelInfo): Promise<void>;
}
