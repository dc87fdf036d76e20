import { describe, expect, test } from 'vitest';
import { resolveTrainConfig } from './config.js';
import { planEpoch, toBatches } from './epoch-plan.js';
import { Prng } from './prng.js';

describe('planEpoch', () => {
  test("×4 repetition: every sample four times, in one shuffled order (the reference's root * 4 + shuffle)", () => {
    const config = resolveTrainConfig({ preset: 'reference' });
    const plan = planEpoch(5, config, Prng.fromSeed(0));
    expect(plan).toHaveLength(20);
    const counts = new Array(5).fill(0);
    for (const e of plan) counts[e.sample] += 1;
    expect(counts).toEqual([4, 4, 4, 4, 4]);
    expect(plan.every((e) => e.patch.kind === 'full' && !e.mirror)).toBe(true);
    // Shuffled as one list, not four shuffled passes: some sample comes back before all others have been seen.
    const firstPass = plan.slice(0, 5).map((e) => e.sample);
    expect(new Set(firstPass).size).toBeLessThan(5);
  });

  test('without shuffling the order is the list, repeated', () => {
    const plan = planEpoch(3, resolveTrainConfig({ preset: 'reference', shuffle: false }), Prng.fromSeed(0));
    expect(plan.map((e) => e.sample)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
  });

  test("nine-patch: each image's four quarters and five random windows, about half of them mirrored", () => {
    const plan = planEpoch(40, resolveTrainConfig({ preset: 'paper', shuffle: false }), Prng.fromSeed(5));
    expect(plan).toHaveLength(360);
    const first = plan.slice(0, 9);
    expect(first.map((e) => e.sample)).toEqual(new Array(9).fill(0));
    expect(first.slice(0, 4).map((e) => e.patch)).toEqual([
      { kind: 'quarter', row: 0, col: 0 },
      { kind: 'quarter', row: 0, col: 1 },
      { kind: 'quarter', row: 1, col: 0 },
      { kind: 'quarter', row: 1, col: 1 },
    ]);
    expect(first.slice(4).every((e) => e.patch.kind === 'random')).toBe(true);
    const mirrored = plan.filter((e) => e.mirror).length;
    expect(mirrored).toBeGreaterThan(150);
    expect(mirrored).toBeLessThan(210);
  });

  test('an epoch depends only on the generator state at its start (what a resumed run replays)', () => {
    const config = resolveTrainConfig({ crop: { height: 64, width: 64 }, batch: 3 });
    const rng = Prng.fromSeed(9);
    planEpoch(7, config, rng);
    const atEpoch2 = rng.state();
    const epoch2 = planEpoch(7, config, rng);
    expect(planEpoch(7, config, Prng.fromState(atEpoch2))).toEqual(epoch2);
    expect(planEpoch(7, config, Prng.fromSeed(9))).not.toEqual(epoch2);
    expect(toBatches(epoch2, 3).map((b) => b.length)).toEqual([3, 3, 1]);
  });
});
