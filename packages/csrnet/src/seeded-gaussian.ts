/**
 * A seeded N(0, 1) generator: mulberry32 (small, fast, 32-bit) under
 * Box–Muller, so the same seed draws the same weights on every backend.
 */
export function seededGaussian(seed: number): () => number {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    // 1 - u lies in (0, 1], so the log is finite.
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}
