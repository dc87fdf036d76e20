import { describe, expect, test } from 'vitest';
import { BOUNDARY_BYTES, inputRandom, MUTATIONS, mutate, seededRandom } from './mutator.ts';

const seed = new TextEncoder().encode('{"shape": [3, 3, 64], "offset": 1024}');
const mutation = (name: string) => MUTATIONS.find((m) => m.name === name)!;

describe('mutate', () => {
  test('is a pure function of (seed, index): the same input every time, different ones across indices', () => {
    const a = Array.from({ length: 50 }, (_, i) => mutate([seed], 7, i, 1 << 16).bytes);
    const b = Array.from({ length: 50 }, (_, i) => mutate([seed], 7, i, 1 << 16).bytes);
    expect(b).toEqual(a);
    expect(new Set(a.map((x) => Buffer.from(x).toString('hex'))).size).toBeGreaterThan(40);
    expect(mutate([seed], 8, 0, 1 << 16).bytes).not.toEqual(a[0]);
  });

  test('never returns more than maxLength bytes and names what it did', () => {
    for (let i = 0; i < 200; i++) {
      const input = mutate([seed, seed], 1, i, 48);
      expect(input.bytes.length).toBeLessThanOrEqual(48);
      expect(input.mutations.length).toBeGreaterThanOrEqual(1);
      expect(input.mutations.every((name) => MUTATIONS.some((m) => m.name === name))).toBe(true);
    }
  });

  test('the generator is uniform enough to reach every mutation and both ends of an input', () => {
    const random = seededRandom(3);
    const counts = new Array(MUTATIONS.length).fill(0);
    for (let i = 0; i < 8000; i++) counts[random.below(MUTATIONS.length)]++;
    for (const count of counts) expect(count).toBeGreaterThan(700);
    expect(inputRandom(1, 2).next()).toBe(inputRandom(1, 2).next());
  });
});

describe('the mutations', () => {
  const random = () => seededRandom(11);
  test('flip bits: same length, a few bits differ', () => {
    const out = mutation('flip bits').apply(seed, random(), [seed]);
    expect(out.length).toBe(seed.length);
    let bits = 0;
    for (let i = 0; i < seed.length; i++) for (let x = out[i] ^ seed[i]; x; x &= x - 1) bits++;
    expect(bits).toBeGreaterThanOrEqual(1);
    expect(bits).toBeLessThanOrEqual(8);
  });

  test('set a boundary byte: one byte becomes 0x00, 0xFF, 0x7F, 0x80, …', () => {
    const out = mutation('set a boundary byte').apply(seed, random(), [seed]);
    const changed = [...out].flatMap((b, i) => (b === seed[i] ? [] : [b]));
    expect(changed.length).toBeLessThanOrEqual(1);
    for (const b of changed) expect(BOUNDARY_BYTES).toContain(b);
  });

  test('truncate and delete shorten; duplicate lengthens by a copy of a chunk', () => {
    const cuts = Array.from({ length: 20 }, (_, i) => mutation('truncate').apply(seed, seededRandom(i), [seed]));
    expect(cuts.every((cut) => cut.length <= seed.length && cut.every((b, j) => b === seed[j]))).toBe(true);
    expect(cuts.some((cut) => cut.length < seed.length / 2)).toBe(true);
    expect(mutation('delete a chunk').apply(seed, random(), [seed]).length).toBeLessThan(seed.length);
    expect(mutation('duplicate a chunk').apply(seed, random(), [seed]).length).toBeGreaterThan(seed.length);
  });

  test('write a huge integer: 2, 4 or 8 bytes of a boundary value, inserted or written over', () => {
    const sizes = new Set<number>();
    for (let i = 0; i < 40; i++) sizes.add(mutation('write a huge integer').apply(seed, seededRandom(i), [seed]).length - seed.length);
    expect([...sizes].every((d) => [0, 2, 4, 8].includes(d))).toBe(true);
    expect(sizes.size).toBeGreaterThan(2);
  });

  test('replace a number in text: a digit run becomes -1, 1e309, "3", null, …', () => {
    const outs = new Set<string>();
    for (let i = 0; i < 60; i++) outs.add(new TextDecoder().decode(mutation('replace a number in text').apply(seed, seededRandom(i), [seed])));
    expect([...outs].some((text) => text.includes('[1e309, 3, 64]') || text.includes('"offset": -1}') || text.includes('[3, null, 64]'))).toBe(true);
  });
});
