import * as tf from '@tensorflow/tfjs';
import { csrnetLayers, csrnetOutputSize, csrnetParameterSpecs, type Layer, type ParameterSpec } from './architecture.js';
import { resolveCsrnetConfig, type CsrnetConfig, type ResolvedCsrnetConfig } from './config.js';
import { guardDevice } from './device-guard.js';
import { CsrnetError } from './errors.js';
import { hwioToOihw } from './layout.js';
import type { NamedTensor, NamedTensors } from './named-tensors.js';
import { normalizePixels } from './normalization.js';
import { matchParameters, type TfjsParameter } from './parameter-match.js';
import { heInit } from './he-init.js';
import { referenceInit } from './reference-init.js';
import type { TrainableParameters } from './sgd.js';

/** How {@link createCsrnet} fills the parameters. */
export type CsrnetInit =
  /** The reference's init: N(0, 0.01) weights and zero biases, from a seeded generator. `seed` @default 0 */
  | { kind: 'reference'; seed?: number }
  /** He (Kaiming) normal weights, zero biases, seeded: for training from scratch without ImageNet weights. `seed` @default 0 */
  | { kind: 'he'; seed?: number }
  /** Given weights in state_dict form (OIHW conv weights), e.g. from a PyTorch checkpoint; `source` names them in errors. */
  | { kind: 'weights'; weights: NamedTensors; source?: string };

/** @default init of {@link createCsrnet}. */
export const CSRNET_DEFAULT_INIT: CsrnetInit = Object.freeze({ kind: 'reference', seed: 0 });

let nextModelId = 0;

/**
 * CSRNet as plain tfjs ops over `tf.Variable`s (no tfjs-layers). Parameters
 * keep the reference's state_dict names; conv weights are stored HWIO as tfjs
 * convolutions take them and converted to OIHW only at import and export.
 */
export class CsrnetModel implements TrainableParameters {
  readonly config: ResolvedCsrnetConfig;
  /** The network in execution order. */
  readonly layers: readonly Layer[];
  /** Trainable variables by state_dict name, in state_dict order (conv weights HWIO). */
  readonly parameters: ReadonlyMap<string, tf.Variable>;
  private readonly specs: readonly ParameterSpec[];

  /** @internal Use {@link createCsrnet} or `loadCsrnet`. */
  constructor(config: ResolvedCsrnetConfig, values: ReadonlyMap<string, TfjsParameter>) {
    this.config = config;
    this.layers = csrnetLayers(config);
    this.specs = csrnetParameterSpecs(config);
    // tfjs variable names are global, so each model gets its own prefix.
    const prefix = `csrnet${nextModelId++}/`;
    const parameters = new Map<string, tf.Variable>();
    for (const spec of this.specs) {
      const value = values.get(spec.name)!;
      const initial = tf.tensor(value.data, value.shape, 'float32');
      parameters.set(spec.name, tf.variable(initial, true, prefix + spec.name));
      initial.dispose();
    }
    this.parameters = parameters;
  }

  /** Output `[height, width]` of the density map for an input size (each pool floors). */
  outputSize(height: number, width: number): [number, number] {
    return csrnetOutputSize(this.config, height, width);
  }

  /**
   * Density map for a batch of normalised NHWC images `[N, H, W, 3]`:
   * `[N, ⌊H/8⌋, ⌊W/8⌋, 1]` for the standard front end. Uses fused
   * conv+bias+ReLU kernels and frees every intermediate as it goes; the
   * caller owns the result. On a guarded GPU backend (see `setDeviceGuard`)
   * an input too large for the device is a `CsrnetError('DEVICE_LIMIT')`
   * before anything runs, and a device that failed earlier `DEVICE_ERROR`.
   */
  predict(input: tf.Tensor4D): tf.Tensor4D {
    this.checkInput(input, 'predict');
    guardDevice(this.config, input.shape, false, 'predict');
    return tf.tidy(() => this.forward(input, true));
  }

  /**
   * The same network built from differentiable unfused ops, for use inside
   * `tf.grads`/`tf.variableGrads` (or `tf.tidy`; intermediates are not freed
   * here). Gradients through dilated convs need `@crowd/csrnet/training`
   * imported (or `registerCsrnetGradients()` called) first. Guarded like
   * {@link predict} (for the forward; `lossAndGradients` checks a training
   * step's buffers).
   */
  apply(input: tf.Tensor4D): tf.Tensor4D {
    this.checkInput(input, 'apply');
    guardDevice(this.config, input.shape, false, 'apply');
    return this.forward(input, false);
  }

  /**
   * Interleaved 8-bit RGB or RGBA pixels (HWC, row-major) → the normalised
   * input tensor `[1, height, width, 3]`, with this model's normalisation.
   */
  preprocess(pixels: Uint8Array | Uint8ClampedArray, width: number, height: number): tf.Tensor4D {
    return tf.tensor4d(normalizePixels(pixels, width, height, this.config.normalization), [1, height, width, 3]);
  }

  /** Converts values shaped like parameter `name` (tfjs layout) to the state_dict layout. */
  exportTensor(name: string, data: Float32Array): NamedTensor {
    const spec = this.specs.find((s) => s.name === name);
    if (spec === undefined) throw new CsrnetError('WEIGHTS_MISMATCH', undefined, `no parameter named ${name}`);
    const shape = [...spec.shape];
    return { shape, data: shape.length === 4 ? hwioToOihw(data, [shape[2], shape[3], shape[1], shape[0]]) : data.slice() };
  }

  /** Checks state_dict-layout tensors against the parameters (names, shapes; all unless `allowMissing`) and converts them to tfjs layout. */
  importTensors(tensors: NamedTensors, options: { source?: string; allowMissing?: boolean } = {}): Map<string, TfjsParameter> {
    return matchParameters(this.specs, tensors, 'OIHW', options.source, options.allowMissing);
  }

  /** Frees the variables; the model is unusable afterwards. */
  dispose(): void {
    for (const v of this.parameters.values()) v.dispose();
  }

  /**
   * `fused` (inference): fused conv+bias+ReLU kernels, and each activation is
   * freed as soon as the next exists, which keeps peak memory near two
   * activations (a 1024×768 image has 200 MB ones). Otherwise plain ops whose
   * intermediates stay alive for the gradient tape.
   */
  private forward(input: tf.Tensor4D, fused: boolean): tf.Tensor4D {
    let x = input;
    for (const layer of this.layers) {
      let next: tf.Tensor4D;
      if (layer.kind === 'pool') {
        next = tf.maxPool(x, 2, 2, 'valid');
      } else {
        const filter = this.parameters.get(`${layer.name}.weight`) as tf.Tensor4D;
        const bias = this.parameters.get(`${layer.name}.bias`) as tf.Tensor1D;
        if (fused) {
          const activation = layer.relu ? 'relu' : 'linear';
          next = tf.fused.conv2d({ x, filter, bias, strides: 1, pad: 'same', dilations: layer.dilation, activation });
        } else {
          next = tf.add(tf.conv2d(x, filter, 1, 'same', 'NHWC', layer.dilation), bias);
          if (layer.relu) next = tf.relu(next);
        }
      }
      if (fused && x !== input) x.dispose();
      x = next;
    }
    return x;
  }

  private checkInput(input: tf.Tensor4D, method: string): void {
    // Smaller inputs would pool down to an empty map, which tfjs rejects obscurely.
    const min = 2 ** this.layers.filter((l) => l.kind === 'pool').length;
    const ok = input instanceof tf.Tensor && input.rank === 4 && input.shape[3] === 3 && input.dtype === 'float32' && input.shape[1] >= min && input.shape[2] >= min;
    if (!ok) {
      const found = input instanceof tf.Tensor ? `${input.dtype} [${input.shape.join(',')}]` : String(input);
      throw new CsrnetError('INPUT_INVALID', undefined, `${method}: expected a float32 NHWC tensor [N, H ≥ ${min}, W ≥ ${min}, 3], found ${found}`);
    }
  }
}

/**
 * Builds a CSRNet. `config` picks the architecture (variant, width); `init`
 * fills it with the reference's random init (default) or given weights, which
 * must match the architecture exactly (`CsrnetError` `WEIGHTS_MISMATCH`
 * lists every missing, unexpected or mis-shaped tensor).
 */
export function createCsrnet(config: CsrnetConfig = {}, init: CsrnetInit = CSRNET_DEFAULT_INIT): CsrnetModel {
  const resolved = resolveCsrnetConfig(config);
  if (init.kind !== 'reference' && init.kind !== 'he' && init.kind !== 'weights') {
    throw new CsrnetError('CONFIG_INVALID', undefined, `init.kind: expected 'reference', 'he' or 'weights', got ${JSON.stringify((init as { kind: unknown }).kind)}`);
  }
  if (init.kind !== 'weights' && init.seed !== undefined && !Number.isInteger(init.seed)) {
    throw new CsrnetError('CONFIG_INVALID', undefined, `init.seed: expected an integer, got ${init.seed}`);
  }
  const named = init.kind === 'weights' ? init.weights : (init.kind === 'he' ? heInit : referenceInit)(resolved, init.seed ?? 0);
  const source = init.kind === 'weights' ? init.source : undefined;
  return new CsrnetModel(resolved, matchParameters(csrnetParameterSpecs(resolved), named, 'OIHW', source));
}
