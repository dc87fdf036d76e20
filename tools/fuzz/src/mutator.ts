/**
 * A deterministic, seeded mutator: input `index` of a run with seed `seed`
 * is always the same bytes, so a failure is reproduced from the two numbers
 * alone (the runner also writes the input to a file).
 */

/** A uniform 32-bit generator (mulberry32): `next()` returns an integer in [0, 2³²). */
export interface Random {
  next(): number;
  /** An integer in [0, n). */
  below(n: number): number;
  /** One of `items`. */
  pick<T>(items: readonly T[]): T;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const below = (n: number): number => (n <= 1 ? 0 : Math.floor((next() / 2 ** 32) * n));
  return { next, below, pick: (items) => items[below(items.length)] };
}

/** The generator for input `index` of run `seed`: a hash of both, so inputs are independent. */
export function inputRandom(seed: number, index: number): Random {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x27d4eb2f);
  return seededRandom(h ^ (h >>> 15));
}

/** Byte values that sit on boundaries: signs, maxima, ASCII structure. */
export const BOUNDARY_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, 0x0a, 0x22, 0x2c, 0x5b, 0x7d];

/** Integers that break size and offset arithmetic, written in 2, 4 or 8 bytes of either endianness. */
export const HUGE_INTEGERS: readonly bigint[] = [
  0n, 1n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n,
  2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n, 1000000000n, 4096n * 4096n,
];

/** Number-like text for text formats (JSON, list files): negative, huge, fractional, non-numbers. */
export const TEXT_NUMBERS = ['-1', '0', '-0', '1.5', '4294967296', '9007199254740993', '1e309', '-1e309', '1e-400', '"3"', 'null', '[]', '{}', 'true'];

/** One way to change an input. */
export interface Mutation {
  name: string;
  apply(bytes: Uint8Array, random: Random, seeds: readonly Uint8Array[]): Uint8Array;
}

/**
 * A position in `bytes` (or `bytes.length` with `end`), biased towards the
 * first and last kilobyte, where formats keep their headers, directories and
 * counts; uniform half of the time.
 */
function position(bytes: Uint8Array, random: Random, end = false): number {
  const n = bytes.length + (end ? 1 : 0);
  if (n <= 1) return 0;
  const choice = random.below(4);
  if (choice === 0) return random.below(Math.min(n, 1024));
  if (choice === 1) return n - 1 - random.below(Math.min(n, 1024));
  return random.below(n);
}

function chunkLength(bytes: Uint8Array, random: Random): number {
  const cap = Math.max(1, Math.min(bytes.length, random.pick([4, 16, 256, 4096])));
  return 1 + random.below(cap);
}

const splice = (bytes: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array => {
  const out = new Uint8Array(bytes.length - remove + insert.length);
  out.set(bytes.subarray(0, at), 0);
  out.set(insert, at);
  out.set(bytes.subarray(at + remove), at + insert.length);
  return out;
};

function integerBytes(value: bigint, width: 2 | 4 | 8, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(width);
  const view = new DataView(out.buffer);
  const v = BigInt.asUintN(width * 8, value);
  if (width === 2) view.setUint16(0, Number(v), littleEndian);
  else if (width === 4) view.setUint32(0, Number(v), littleEndian);
  else view.setBigUint64(0, v, littleEndian);
  return out;
}

export const MUTATIONS: readonly Mutation[] = [
  {
    name: 'flip bits',
    apply(bytes, random) {
      if (bytes.length === 0) return bytes;
      const out = bytes.slice();
      for (let i = 1 + random.below(8); i > 0; i--) out[position(out, random)] ^= 1 << random.below(8);
      return out;
    },
  },
  {
    name: 'set a boundary byte',
    apply(bytes, random) {
      if (bytes.length === 0) return Uint8Array.of(random.pick(BOUNDARY_BYTES));
      const out = bytes.slice();
      out[position(out, random)] = random.pick(BOUNDARY_BYTES);
      return out;
    },
  },
  {
    name: 'truncate',
    apply: (bytes, random) => bytes.slice(0, position(bytes, random, true)),
  },
  {
    name: 'duplicate a chunk',
    apply(bytes, random) {
      if (bytes.length === 0) return bytes;
      const from = position(bytes, random);
      const chunk = bytes.slice(from, from + chunkLength(bytes, random));
      return splice(bytes, position(bytes, random, true), 0, chunk);
    },
  },
  {
    name: 'delete a chunk',
    apply(bytes, random) {
      if (bytes.length === 0) return bytes;
      const at = position(bytes, random);
      return splice(bytes, at, Math.min(chunkLength(bytes, random), bytes.length - at), new Uint8Array(0));
    },
  },
  {
    name: 'splice in another seed',
    apply(bytes, random, seeds) {
      const other = random.pick(seeds);
      if (other.length === 0) return bytes;
      const from = position(other, random);
      const chunk = other.slice(from, from + chunkLength(other, random));
      const at = position(bytes, random, true);
      return splice(bytes, at, random.below(2) === 0 ? 0 : Math.min(chunk.length, bytes.length - at), chunk);
    },
  },
  {
    name: 'write a huge integer',
    apply(bytes, random) {
      const value = random.pick(HUGE_INTEGERS) * (random.below(4) === 0 ? -1n : 1n);
      const raw = integerBytes(value, random.pick([2, 4, 8] as const), random.below(2) === 0);
      const at = position(bytes, random, true);
      // Half overwrite what is there (a count or offset becomes huge), half insert.
      return splice(bytes, at, random.below(2) === 0 ? Math.min(raw.length, bytes.length - at) : 0, raw);
    },
  },
  {
    name: 'replace a number in text',
    apply(bytes, random) {
      const digits: number[] = [];
      for (let i = 0; i < bytes.length && digits.length < 4096; i++) if (bytes[i] >= 0x30 && bytes[i] <= 0x39 && (i === 0 || bytes[i - 1] < 0x30 || bytes[i - 1] > 0x39)) digits.push(i);
      if (digits.length === 0) return bytes;
      const start = random.pick(digits);
      let end = start;
      while (end < bytes.length && ((bytes[end] >= 0x30 && bytes[end] <= 0x39) || bytes[end] === 0x2e || bytes[end] === 0x2d)) end++;
      return splice(bytes, start, end - start, new TextEncoder().encode(random.pick(TEXT_NUMBERS)));
    },
  },
];

export interface MutatedInput {
  bytes: Uint8Array;
  /** Which seed it came from and which mutations made it, for the failure report. */
  seedIndex: number;
  mutations: string[];
}

/**
 * Input `index` of run `seed`: one of `seeds` put through 1–4 mutations.
 * Never longer than `maxLength` (duplications and insertions could otherwise
 * grow an input without bound).
 */
export function mutate(seeds: readonly Uint8Array[], seed: number, index: number, maxLength: number): MutatedInput {
  if (seeds.length === 0) throw new Error('mutate: a target needs at least one seed');
  const random = inputRandom(seed, index);
  const seedIndex = random.below(seeds.length);
  let bytes = seeds[seedIndex];
  const mutations: string[] = [];
  for (let i = 1 + random.below(4); i > 0; i--) {
    const mutation = random.pick(MUTATIONS);
    bytes = mutation.apply(bytes, random, seeds);
    mutations.push(mutation.name);
  }
  return { bytes: bytes.length > maxLength ? bytes.slice(0, maxLength) : bytes, seedIndex, mutations };
}
