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
  /** Read asynchronously: webgpu in Node has no synchronous reads of GPU data. */
  state(): Promise<OptimizerState>;
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
  if (config.optimizer === 'sgd') {
    const sgd = new SGD(model, { lr: config.lr, momentum: config.momentum, weightDecay: config.weightDecay });
    return adapt('sgd', sgd, async () => ({ kind: 'sgd', momentumBuffers: await sgd.momentumBuffers() }), (state, source) =>
      sgd.loadMomentumBuffers(state.momentumBuffers, { source }),
    );
  }
  const adam = new Adam(model, { lr: config.lr, betas: config.adamBetas, eps: config.adamEps, weightDecay: config.weightDecay });
  return adapt('adam', adam, async () => ({ kind: 'adam', ...(await adam.state()) }), (state, source) => adam.loadState(state, { source }));
}

/** SGD and Adam share lr, step and dispose; only their state differs. */
function adapt<K extends OptimizerState['kind']>(
  kind: K,
  optimizer: { lr: number; step(grads: ReadonlyMap<string, tf.Tensor>): void; dispose(): void },
  state: () => Promise<OptimizerState>,
  load: (state: Extract<OptimizerState, { kind: K }>, source: string | undefined) => void,
): TrainOptimizer {
  return {
    kind,
    get lr() {
      return optimizer.lr;
    },
    set lr(value: number) {
      optimizer.lr = value;
    },
    step: (grads) => optimizer.step(grads),
    state,
    load(saved, source) {
      if (saved.kind !== kind) throw new TrainError('CONFIG_INVALID', `optimizer state: expected ${kind} state, found ${saved.kind} state`);
      load(saved as Extract<OptimizerState, { kind: K }>, source);
    },
    dispose: () => optimizer.dispose(),
  };
}
