import * as tf from '@tensorflow/tfjs';
import { CsrnetError } from './errors.js';
import type { NamedTensor, NamedTensors } from './named-tensors.js';

/** What {@link SGD} optimises: named variables plus the conversion of their values to and from state_dict layout. */
export interface TrainableParameters {
  /** Trainable variables by state_dict name, in state_dict order. */
  readonly parameters: ReadonlyMap<string, tf.Variable>;
  /** Values shaped like parameter `name` (in the variable's layout) → state_dict layout. */
  exportTensor(name: string, data: Float32Array): NamedTensor;
  /**
   * Validates state_dict-layout tensors (all parameters, or with
   * `allowMissing` a subset) and converts them to the variables' layouts.
   */
  importTensors(tensors: NamedTensors, options?: { source?: string; allowMissing?: boolean }): Map<string, { shape: number[]; data: Float32Array }>;
}

/** PyTorch `torch.optim.SGD` settings. */
export interface SgdConfig {
  /** Learning rate. */
  lr: number;
  /** @default 0 */
  momentum?: number;
  /** @default 0 */
  dampening?: number;
  /** L2 penalty added to the gradient, biases included as in PyTorch. @default 0 */
  weightDecay?: number;
  /** @default false */
  nesterov?: boolean;
}

export const SGD_DEFAULTS: Readonly<Required<Omit<SgdConfig, 'lr'>>> = Object.freeze({ momentum: 0, dampening: 0, weightDecay: 0, nesterov: false });

/** The reference's optimiser (train.py: lr 1e-7, momentum 0.95, weight decay 5e-4). */
export const REFERENCE_SGD_CONFIG: Readonly<Required<SgdConfig>> = Object.freeze({ ...SGD_DEFAULTS, lr: 1e-7, momentum: 0.95, weightDecay: 5e-4 });

/** Fills in defaults and validates, as PyTorch's constructor does; `CsrnetError('CONFIG_INVALID')` otherwise. */
export function resolveSgdConfig(config: SgdConfig): Required<SgdConfig> {
  const c = { ...SGD_DEFAULTS, ...config };
  const bad = (option: string, expected: string, value: unknown): CsrnetError =>
    new CsrnetError('CONFIG_INVALID', undefined, `SGD ${option}: expected ${expected}, got ${String(value)}`);
  for (const key of ['lr', 'momentum', 'dampening', 'weightDecay'] as const) {
    if (typeof c[key] !== 'number' || !Number.isFinite(c[key]) || c[key] < 0) throw bad(key, 'a finite number ≥ 0', c[key]);
  }
  if (typeof c.nesterov !== 'boolean') throw bad('nesterov', 'a boolean', c.nesterov);
  if (c.nesterov && (c.momentum <= 0 || c.dampening !== 0)) throw bad('nesterov', 'momentum > 0 and dampening 0 (as PyTorch requires)', `momentum ${c.momentum}, dampening ${c.dampening}`);
  return c;
}

/**
 * PyTorch's SGD, step for step (`torch.optim.SGD`, foreach off):
 * `g = grad + weightDecay·p`; `buf = g` on a parameter's first step, else
 * `buf = momentum·buf + (1 − dampening)·g`; `g = nesterov ? g + momentum·buf
 * : buf`; `p −= lr·g`. Momentum buffers are kept per parameter name and can
 * be exported and imported in state_dict layout, so training resumes from a
 * PyTorch checkpoint's optimiser state exactly.
 */
export class SGD {
  private settings: Required<SgdConfig>;
  private readonly buffers = new Map<string, tf.Tensor>();

  constructor(
    readonly target: TrainableParameters,
    config: SgdConfig,
  ) {
    this.settings = resolveSgdConfig(config);
  }

  /** The current settings. */
  get config(): Readonly<Required<SgdConfig>> {
    return this.settings;
  }

  /** The learning rate; set it for schedules (the reference's `adjust_learning_rate`). */
  get lr(): number {
    return this.settings.lr;
  }

  set lr(value: number) {
    this.settings = resolveSgdConfig({ ...this.settings, lr: value });
  }

  /**
   * Updates every parameter that has a gradient in `grads` (keyed by
   * parameter name); parameters without one are skipped, as PyTorch skips
   * those whose `.grad` is None. The caller still owns `grads`.
   */
  step(grads: ReadonlyMap<string, tf.Tensor>): void {
    for (const [name, grad] of grads) {
      const p = this.target.parameters.get(name);
      if (p === undefined) throw new CsrnetError('WEIGHTS_MISMATCH', undefined, `SGD.step: gradient for unknown parameter ${name}`);
      if (grad.shape.length !== p.shape.length || grad.shape.some((d, i) => d !== p.shape[i])) {
        throw new CsrnetError('WEIGHTS_MISMATCH', undefined, `SGD.step: expected gradient ${name} [${p.shape.join(',')}], found [${grad.shape.join(',')}]`);
      }
    }
    const { lr, momentum, dampening, weightDecay, nesterov } = this.settings;
    tf.tidy(() => {
      for (const [name, p] of this.target.parameters) {
        const grad = grads.get(name);
        if (grad === undefined) continue;
        let g = weightDecay !== 0 ? tf.add(grad, tf.mul(p, weightDecay)) : grad;
        if (momentum !== 0) {
          const previous = this.buffers.get(name);
          // clone: the buffer must outlive the caller's gradient tensor.
          const buf = tf.keep(previous === undefined ? tf.clone(g) : tf.add(tf.mul(previous, momentum), dampening !== 0 ? tf.mul(g, 1 - dampening) : g));
          previous?.dispose();
          this.buffers.set(name, buf);
          g = nesterov ? tf.add(g, tf.mul(buf, momentum)) : buf;
        }
        p.assign(tf.sub(p, tf.mul(g, lr)));
      }
    });
  }

  /**
   * The momentum buffers in state_dict layout (OIHW conv weights), for
   * parameters that have taken a step. Read asynchronously: the form that
   * works on every backend, webgpu in Node included (it has no synchronous
   * reads of GPU data).
   */
  async momentumBuffers(): Promise<NamedTensors> {
    const out: NamedTensors = new Map();
    for (const name of this.target.parameters.keys()) {
      const buf = this.buffers.get(name);
      if (buf !== undefined) out.set(name, this.target.exportTensor(name, (await buf.data()) as Float32Array));
    }
    return out;
  }

  /**
   * Replaces the momentum buffers with `buffers` (state_dict names and
   * layout, e.g. a PyTorch checkpoint's `optimizer.state[i].momentum_buffer`
   * mapped to parameter names). A parameter without a buffer starts afresh
   * on its next step, as in PyTorch; unknown names and wrong shapes are a
   * `CsrnetError('WEIGHTS_MISMATCH')` listing the problems.
   */
  loadMomentumBuffers(buffers: NamedTensors, options: { source?: string } = {}): void {
    const values = this.target.importTensors(buffers, { source: options.source, allowMissing: true });
    this.dispose();
    for (const [name, value] of values) this.buffers.set(name, tf.tensor(value.data, value.shape, 'float32'));
  }

  /** Frees the momentum buffers (the next step starts them afresh). */
  dispose(): void {
    for (const buf of this.buffers.values()) buf.dispose();
    this.buffers.clear();
  }
}
