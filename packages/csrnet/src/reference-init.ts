import { csrnetParameterSpecs } from './architecture.js';
import type { ResolvedCsrnetConfig } from './config.js';
import type { NamedTensors } from './named-tensors.js';

/** Standard deviation of the reference's conv weight init (model.py `normal_(std=0.01)`). */
export const REFERENCE_INIT_STD = 0.01;

/** mulberry32: a small, fast 32-bit generator, so the same seed gives the same weights everywhere. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The reference's `_initialize_weights`: every conv weight N(0, 0.01), every
 * bias 0. Drawn with a seeded generator (Box–Muller) in state_dict order, so a
 * seed reproduces the same model on any backend. The reference then copies
 * VGG-16's ImageNet weights over the front end; that import is separate.
 */
export function referenceInit(config: ResolvedCsrnetConfig, seed: number): NamedTensors {
  const random = mulberry32(seed);
  const gaussian = (): number => {
    // 1 - u lies in (0, 1], so the log is finite.
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const out: NamedTensors = new Map();
  for (const spec of csrnetParameterSpecs(config)) {
    const data = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    if (spec.shape.length === 4) for (let i = 0; i < data.length; i++) data[i] = REFERENCE_INIT_STD * gaussian();
    out.set(spec.name, { shape: spec.shape, data });
  }
  return out;
}
