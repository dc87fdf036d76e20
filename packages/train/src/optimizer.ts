import type * as tf from '@tensorflow/tfjs';
import type { NamedTensors, TrainableParameters } from '@crowd/csrnet';
import { SGD } from '@crowd/csrnet/training';
import { Adam } from './adam.js';
import type { ResolvedTrainConfig } from './config.js';
import { TrainError } from './errors.js';

/** An optimiser's state in state_dict layout, as checkpoints store it. */
export type OptimizerState =
  | { kind: 'sgd'; momentumBuffers: NamedTensors }
  | { kind: 'adam'; step: number; expAvg: NamedTensors; expAvgSq: NamedTensors };

/** What the training loop needs of an optimiser: one interface over SGD and Adam. */
export interface TrainOptimizer {
  readonly kind: OptimizerState['kind'];
  lr: number;
  step(grads: ReadonlyMap<string, tf.Tensor>): void;
  state(): OptimizerState;
  /** Loads a saved state; a state of the other kind is a `CONFIG_INVALID` error. */
  load(state: OptimizerState, source?: string): void;
  dispose(): void;
}

/**
 * The optimiser `config` asks for over `model`'s parameters: PyTorch's SGD
 * (`SGD` from @crowd/csrnet, momentum buffers by name) or PyTorch's Adam
 * ({@link Adam}), both with L2 weight decay on every parameter as train.py has it.
 */
export function createOptimizer(model: TrainableParameters, config: Pick<ResolvedTrainConfig, 'optimizer' | 'lr' | 'momentum' | 'weightDecay' | 'adamBetas' | 'adamEps'>): TrainOptimizer {
  const mismatch = (found: string) => new TrainError('CONFIG_INVALID', `optimizer state: expected ${config.optimizer} state, found ${found} state`);
  if (config.optimizer === 'sgd') {
    const sgd = new SGD(model, { lr: config.lr, momentum: config.momentum, weightDecay: config.weightDecay });
    return {
      kind: 'sgd',
      get lr() {
        return sgd.lr;
      },
      set lr(value: number) {
        sgd.lr = value;
      },
      step: (grads) => sgd.step(grads),
      state: () => ({ kind: 'sgd', momentumBuffers: sgd.momentumBuffers() }),
      load(state, source) {
        if (state.kind !== 'sgd') throw mismatch(state.kind);
        sgd.loadMomentumBuffers(state.momentumBuffers, { source });
      },
      dispose: () => sgd.dispose(),
    };
  }
  const adam = new Adam(model, { lr: config.lr, betas: config.adamBetas, eps: config.adamEps, weightDecay: config.weightDecay });
  return {
    kind: 'adam',
    get lr() {
      return adam.lr;
    },
    set lr(value: number) {
      adam.lr = value;
    },
    step: (grads) => adam.step(grads),
    state: () => ({ kind: 'adam', ...adam.state() }),
    load(state, source) {
      if (state.kind !== 'adam') throw mismatch(state.kind);
      adam.loadState(state, { source });
    },
    dispose: () => adam.dispose(),
  };
}
