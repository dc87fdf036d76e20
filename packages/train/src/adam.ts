import * as tf from '@tensorflow/tfjs';
import type { NamedTensors, TrainableParameters } from '@crowd/csrnet';
import { describeValue, TrainError } from './errors.js';

/** `torch.optim.Adam` settings (no AMSGrad). */
export interface AdamConfig {
  lr: number;
  /** @default [0.9, 0.999] */
  betas?: [number, number];
  /** @default 1e-8 */
  eps?: number;
  /** L2 penalty added to the gradient, as PyTorch's Adam (not AdamW) does. @default 0 */
  weightDecay?: number;
}

/** Adam's state in state_dict layout: the step count and both moments per parameter name. */
export interface AdamState {
  step: number;
  expAvg: NamedTensors;
  expAvgSq: NamedTensors;
}

/**
 * PyTorch's Adam, step for step (`torch.optim.Adam`, single-tensor path):
 * `g = grad + wd·p`; `m = β₁m + (1−β₁)g`; `v = β₂v + (1−β₂)g²`;
 * `p −= (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)`. Its whole state (step and
 * moments, by parameter name) can be exported and loaded, so a resumed run
 * continues exactly; tfjs's own `tf.train.adam` keys its state by variable
 * name, which differs between two models of the same weights.
 */
export class Adam {
  private settings: Required<AdamConfig>;
  private steps = 0;
  private readonly m = new Map<string, tf.Tensor>();
  private readonly v = new Map<string, tf.Tensor>();

  constructor(
    readonly target: TrainableParameters,
    config: AdamConfig,
  ) {
    this.settings = resolveAdamConfig(config);
  }

  get lr(): number {
    return this.settings.lr;
  }

  set lr(value: number) {
    this.settings = resolveAdamConfig({ ...this.settings, lr: value });
  }

  /** Updates every parameter that has a gradient in `grads` (by name); the caller still owns `grads`. */
  step(grads: ReadonlyMap<string, tf.Tensor>): void {
    for (const name of grads.keys()) {
      if (!this.target.parameters.has(name)) throw new TrainError('CONFIG_INVALID', `Adam.step: gradient for unknown parameter ${name}`);
    }
    this.steps += 1;
    const { lr, betas, eps, weightDecay } = this.settings;
    const [b1, b2] = betas;
    const stepSize = lr / (1 - b1 ** this.steps);
    const correction2Sqrt = Math.sqrt(1 - b2 ** this.steps);
    tf.tidy(() => {
      for (const [name, p] of this.target.parameters) {
        const grad = grads.get(name);
        if (grad === undefined) continue;
        const g = weightDecay !== 0 ? tf.add(grad, tf.mul(p, weightDecay)) : grad;
        const m0 = this.m.get(name) ?? tf.zerosLike(p);
        const v0 = this.v.get(name) ?? tf.zerosLike(p);
        const m = tf.keep(tf.add(tf.mul(m0, b1), tf.mul(g, 1 - b1)));
        const v = tf.keep(tf.add(tf.mul(v0, b2), tf.mul(tf.square(g), 1 - b2)));
        this.m.get(name)?.dispose();
        this.v.get(name)?.dispose();
        this.m.set(name, m);
        this.v.set(name, v);
        const denom = tf.add(tf.div(tf.sqrt(v), correction2Sqrt), eps);
        p.assign(tf.sub(p, tf.mul(tf.div(m, denom), stepSize)));
      }
    });
  }

  /** The step count and moments in state_dict layout (OIHW conv weights), read asynchronously (webgpu has no synchronous reads). */
  async state(): Promise<AdamState> {
    const exportAll = async (from: Map<string, tf.Tensor>): Promise<NamedTensors> => {
      const out: NamedTensors = new Map();
      for (const name of this.target.parameters.keys()) {
        const t = from.get(name);
        if (t !== undefined) out.set(name, this.target.exportTensor(name, (await t.data()) as Float32Array));
      }
      return out;
    };
    return { step: this.steps, expAvg: await exportAll(this.m), expAvgSq: await exportAll(this.v) };
  }

  /** Replaces the state with an exported one; names and shapes are checked against the parameters. */
  loadState(state: AdamState, options: { source?: string } = {}): void {
    if (!Number.isInteger(state.step) || state.step < 0) throw new TrainError('CHECKPOINT_INVALID', `Adam state: expected a step count ≥ 0, found ${describeValue(state.step)}`);
    const m = this.target.importTensors(state.expAvg, { source: options.source, allowMissing: true });
    const v = this.target.importTensors(state.expAvgSq, { source: options.source, allowMissing: true });
    if ([...m.keys()].sort().join() !== [...v.keys()].sort().join()) {
      throw new TrainError('CHECKPOINT_INVALID', 'Adam state: expected both moments for the same parameters');
    }
    this.dispose();
    this.steps = state.step;
    for (const [name, value] of m) this.m.set(name, tf.tensor(value.data, value.shape, 'float32'));
    for (const [name, value] of v) this.v.set(name, tf.tensor(value.data, value.shape, 'float32'));
  }

  /** Frees the moments (the next step starts afresh, at step 1). */
  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
    this.steps = 0;
  }
}

function resolveAdamConfig(config: AdamConfig): Required<AdamConfig> {
  const c = { betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0, ...config };
  const bad = (option: string, expected: string, value: unknown) => new TrainError('CONFIG_INVALID', `Adam ${option}: expected ${expected}, got ${describeValue(value)}`);
  if (typeof c.lr !== 'number' || !Number.isFinite(c.lr) || c.lr < 0) throw bad('lr', 'a finite number ≥ 0', c.lr);
  if (!Array.isArray(c.betas) || c.betas.length !== 2 || !c.betas.every((b) => typeof b === 'number' && b >= 0 && b < 1)) throw bad('betas', 'two numbers in [0, 1)', c.betas);
  if (typeof c.eps !== 'number' || !Number.isFinite(c.eps) || c.eps <= 0) throw bad('eps', 'a finite number > 0', c.eps);
  if (typeof c.weightDecay !== 'number' || !Number.isFinite(c.weightDecay) || c.weightDecay < 0) throw bad('weightDecay', 'a finite number ≥ 0', c.weightDecay);
  return c;
}
