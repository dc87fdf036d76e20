import { describeValue, TrainError } from './errors.js';

/** A {@link Prng}'s whole state: plain JSON, saved in checkpoints so a resumed run draws the same numbers. */
export interface PrngState {
  algorithm: 'sfc32';
  /** Four unsigned 32-bit words. */
  words: [number, number, number, number];
}

/**
 * A small seeded generator (Chris Doty-Humphrey's sfc32: 128-bit state,
 * passes PractRand) whose state is four integers, so it can be saved and
 * restored exactly. `Math.random` cannot be seeded or saved, and the
 * reference's Python `random` was never seeded at all.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  private constructor(words: readonly number[]) {
    [this.a, this.b, this.c, this.d] = words.map((w) => w >>> 0);
  }

  /** A generator seeded from a 32-bit integer (expanded by splitmix32, so nearby seeds give unrelated streams). */
  static fromSeed(seed: number): Prng {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new TrainError('CONFIG_INVALID', `seed: expected an integer in [0, 4294967295], got ${describeValue(seed)}`);
    }
    let x = seed >>> 0;
    const splitmix32 = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    const rng = new Prng([splitmix32(), splitmix32(), splitmix32(), splitmix32()]);
    // sfc32's authors discard the first outputs so that the state mixes.
    for (let i = 0; i < 12; i++) rng.nextUint32();
    return rng;
  }

  /** A generator that continues exactly where the one that produced `state` was. */
  static fromState(state: PrngState): Prng {
    const ok =
      typeof state === 'object' &&
      state !== null &&
      state.algorithm === 'sfc32' &&
      Array.isArray(state.words) &&
      state.words.length === 4 &&
      state.words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff);
    if (!ok) throw new TrainError('CHECKPOINT_INVALID', `rng: expected { algorithm: "sfc32", words: four uint32 }, found ${describeValue(state)}`);
    return new Prng(state.words);
  }

  /** The state now, as plain JSON. */
  state(): PrngState {
    return { algorithm: 'sfc32', words: [this.a, this.b, this.c, this.d] };
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = (this.b ^ (this.b >>> 9)) >>> 0;
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A float in [0, 1) with 32 random bits. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [0, n) (n ≤ 2³²; the bias of ⌊next()·n⌋ is below n / 2³², negligible for list lengths). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}
