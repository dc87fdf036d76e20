import type { Prng } from './prng.js';

/**
 * A shuffled copy of `items`: Fisher–Yates from the end, as Python's
 * `random.shuffle` (which the reference calls on its list) does it.
 */
export function shuffled<T>(items: readonly T[], rng: Prng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
