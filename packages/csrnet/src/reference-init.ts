import { csrnetParameterSpecs } from './architecture.js';
import type { ResolvedCsrnetConfig } from './config.js';
import type { NamedTensors } from './named-tensors.js';
import { seededGaussian } from './seeded-gaussian.js';

/** Standard deviation of the reference's conv weight init (model.py `normal_(std=0.01)`). */
export const REFERENCE_INIT_STD = 0.01;

/**
 * The reference's `_initialize_weights`: every conv weight N(0, 0.01), every
 * bias 0. Drawn with a seeded generator (Box–Muller) in state_dict order, so a
 * seed reproduces the same model on any backend. The reference then copies
 * VGG-16's ImageNet weights over the front end; that import is separate.
 */
export function referenceInit(config: ResolvedCsrnetConfig, seed: number): NamedTensors {
  const gaussian = seededGaussian(seed);
  const out: NamedTensors = new Map();
  for (const spec of csrnetParameterSpecs(config)) {
    const data = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    if (spec.shape.length === 4) for (let i = 0; i < data.length; i++) data[i] = REFERENCE_INIT_STD * gaussian();
    out.set(spec.name, { shape: spec.shape, data });
  }
  return out;
}
