import { describe, expect, test } from 'vitest';
import { TrainError } from './errors.js';
import { Prng } from './prng.js';

describe('Prng', () => {
  test('is seeded: the same seed gives the same stream, another seed another', () => {
    const a = Prng.fromSeed(0);
    expect([a.nextUint32(), a.nextUint32(), a.next()]).toEqual([4205396811, 3543653536, 0.2846157543826848]);
    const b = Prng.fromSeed(0);
    expect([b.nextUint32(), b.nextUint32(), b.next()]).toEqual([4205396811, 3543653536, 0.2846157543826848]);
    expect(Prng.fromSeed(1).nextUint32()).not.toBe(4205396811);
  });

  test('its state round-trips through JSON: the restored generator continues the same stream', () => {
    const rng = Prng.fromSeed(7);
    for (let i = 0; i < 5; i++) rng.next();
    const saved = JSON.parse(JSON.stringify(rng.state()));
    const expected = Array.from({ length: 100 }, () => rng.nextUint32());
    const restored = Prng.fromState(saved);
    expect(Array.from({ length: 100 }, () => restored.nextUint32())).toEqual(expected);
    expect(saved.words.every((w: number) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)).toBe(true);
  });

  test('next() lies in [0, 1) and below(n) in [0, n), spread evenly', () => {
    const rng = Prng.fromSeed(3);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const v = rng.next();
      expect(v >= 0 && v < 1).toBe(true);
      counts[rng.below(10)] += 1;
    }
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(120);
  });

  test('rejects bad seeds and states', () => {
    expect(() => Prng.fromSeed(-1)).toThrow(new TrainError('CONFIG_INVALID', 'seed: expected an integer in [0, 4294967295], got -1'));
    expect(() => Prng.fromSeed(1.5)).toThrow(TrainError);
    expect(() => Prng.fromState({ algorithm: 'sfc32', words: [1, 2, 3] } as never)).toThrow(
      'rng: expected { algorithm: "sfc32", words: four uint32 }, found {"algorithm":"sfc32","words":[1,2,3]}',
    );
  });
});
