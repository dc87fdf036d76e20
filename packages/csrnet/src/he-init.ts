import { csrnetParameterSpecs } from './architecture.js';
import type { ResolvedCsrnetConfig } from './config.js';
import type { NamedTensors } from './named-tensors.js';
import { seededGaussian } from './seeded-gaussian.js';

/**
 * He (Kaiming) normal init: every conv weight N(0, 2 / fan_in) with
 * fan_in = in · kh · kw, every bias 0. For training from scratch without
 * ImageNet weights: the reference's N(0, 0.01) shrinks the signal at every
 * one of CSRNet's 16 ReLU layers, so a narrow model starts with a near-zero
 * output and learns little more than the head's bias.
 */
export function heInit(config: ResolvedCsrnetConfig, seed: number): NamedTensors {
  const gaussian = seededGaussian(seed);
  const out: NamedTensors = new Map();
  for (const spec of csrnetParameterSpecs(config)) {
    const data = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    if (spec.shape.length === 4) {
      const std = Math.sqrt(2 / (spec.shape[1] * spec.shape[2] * spec.shape[3]));
      for (let i = 0; i < data.length; i++) data[i] = std * gaussian();
    }
    out.set(spec.name, { shape: spec.shape, data });
  }
  return out;
}
