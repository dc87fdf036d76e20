import type { ResolvedTrainConfig } from './config.js';
import type { PatchSpec } from './crop-window.js';
import type { Prng } from './prng.js';
import { shuffled } from './shuffle.js';

/** One training example: which sample, which part of it, mirrored or not. */
export interface Example {
  /** Index into the training set. */
  sample: number;
  patch: PatchSpec;
  mirror: boolean;
}

const QUARTERS: PatchSpec[] = [
  { kind: 'quarter', row: 0, col: 0 },
  { kind: 'quarter', row: 0, col: 1 },
  { kind: 'quarter', row: 1, col: 0 },
  { kind: 'quarter', row: 1, col: 1 },
];

/** Random patches per image in the paper's nine-patch scheme (besides the four quarters). */
const RANDOM_PATCHES = 5;

/**
 * Every example of one epoch, in training order, drawn from `rng`. The list
 * is the samples `repeat` times over (the reference's `root * 4`), each
 * expanded to its patches (one, or nine for `'nine-patch'`) with their random
 * positions and mirror flags, then shuffled as one list. The whole epoch
 * depends only on the generator's state at its start, which checkpoints
 * keep, so a run resumed mid-epoch replays the same examples.
 */
export function planEpoch(sampleCount: number, config: Pick<ResolvedTrainConfig, 'repeat' | 'shuffle' | 'crop' | 'mirror'>, rng: Prng): Example[] {
  const examples: Example[] = [];
  for (let r = 0; r < config.repeat; r++) {
    for (let sample = 0; sample < sampleCount; sample++) {
      const patches: PatchSpec[] =
        config.crop === 'full'
          ? [{ kind: 'full' }]
          : config.crop === 'nine-patch'
            ? [...QUARTERS, ...Array.from({ length: RANDOM_PATCHES }, () => ({ kind: 'random' as const, u: rng.next(), v: rng.next() }))]
            : [{ kind: 'random', u: rng.next(), v: rng.next() }];
      for (const patch of patches) examples.push({ sample, patch, mirror: config.mirror && rng.next() < 0.5 });
    }
  }
  return config.shuffle ? shuffled(examples, rng) : examples;
}

/** Consecutive groups of `size`; the last may be smaller (PyTorch's DataLoader with drop_last=False). */
export function toBatches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
