import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDensityH5, type Sample } from '@crowd/datasets/node';
import { stateDict } from '@crowd/csrnet';
import { loadCsrnetFile, selectBackend } from '@crowd/csrnet/node';
import { beforeAll, describe, expect, test } from 'vitest';
import { FIXTURE_CHECKPOINT } from '../../test/fixtures.js';
import { preparedMini } from '../../test/mini-dataset.js';
import { TrainError } from '../errors.js';
import type { EpochRecord, LogRecord, StepRecord } from '../records.js';
import { directoryCheckpointStore } from './directory-checkpoint-store.js';
import { loadInitialModel } from './initial-model.js';
import { readLog } from './jsonl-log.js';
import { trainOnDisk } from './train-on-disk.js';

let mini: { root: string; train: Sample[]; test: Sample[] };
beforeAll(async () => {
  await selectBackend('wasm');
  mini = await preparedMini();
});

const outDir = () => mkdtempSync(join(tmpdir(), 'crowd-run-'));
/** Log records without their timings, which differ between runs. */
const untimed = (records: LogRecord[]) => records.map((r) => (r.type === 'step' ? { ...r, imagesPerSecond: 0 } : { ...r, seconds: 0 }));

describe('trainOnDisk', () => {
  test('lowers the training loss and the validation MAE on the bundled mini ShanghaiTech', async () => {
    const out = outDir();
    const result = await trainOnDisk({
      train: mini.train,
      val: mini.test,
      out,
      // The ÷8 fixture model (He-init weights); Adam, because its step size does not depend on the sum-of-squares loss scale.
      model: { init: FIXTURE_CHECKPOINT },
      config: { epochs: 5, optimizer: 'adam', lr: 1e-4, crop: 'full', mirror: false, seed: 0 },
    });
    const history = result.state.history;
    expect(history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5]);
    const [first, last] = [history[0], history[4]];
    expect(last.loss).toBeLessThan(0.7 * first.loss);
    expect(last.valMae).toBeLessThan(0.5 * first.valMae);
    expect(Math.min(...history.map((h) => h.valMae))).toBe(result.state.best!.mae);
    const log = readLog(join(out, 'log.jsonl'));
    expect(log.filter((r) => r.type === 'step')).toHaveLength(35);
    expect((log.filter((r) => r.type === 'epoch') as EpochRecord[]).map((r) => r.valMae)).toEqual(history.map((h) => h.valMae));
    expect(existsSync(join(out, 'curve.png'))).toBe(true);
    const best = await loadCsrnetFile(join(out, 'best'));
    expect(best.model.config.widthDivisor).toBe(8);
    best.model.dispose();
    result.model.dispose();
  });

  test('a run stopped mid-epoch and resumed ends with exactly the weights and log of an uninterrupted run', async () => {
    const train = mini.train.filter((s) => s.part === 'B');
    const val = mini.test.filter((s) => s.part === 'B');
    // Paper preset: nine shuffled, mirrored patches per image; two epochs of 27 steps.
    const config = { epochs: 2, optimizer: 'adam' as const, lr: 1e-3, seed: 5, checkpointEvery: 4 };
    const model = { widthDivisor: 16, seed: 5 };
    const whole = outDir();
    (await trainOnDisk({ train, val, out: whole, config, model })).model.dispose();

    const parts = outDir();
    const stopped = await trainOnDisk({ train, val, out: parts, config: { ...config, maxSteps: 13 }, model });
    expect(stopped).toMatchObject({ stopped: 'max-steps', state: { epoch: 0, step: 13, stepInEpoch: 13 } });
    stopped.model.dispose();
    const resumed = await trainOnDisk({ train, val, out: parts, config: { maxSteps: null }, model, resume: true });
    expect(resumed).toMatchObject({ stopped: 'completed', state: { epoch: 2, step: 54 } });
    resumed.model.dispose();

    expect(readFileSync(join(parts, 'checkpoint', 'weights.bin')).equals(readFileSync(join(whole, 'checkpoint', 'weights.bin')))).toBe(true);
    expect(readFileSync(join(parts, 'checkpoint', 'optimizer.bin')).equals(readFileSync(join(whole, 'checkpoint', 'optimizer.bin')))).toBe(true);
    expect(readFileSync(join(parts, 'best', 'weights.bin')).equals(readFileSync(join(whole, 'best', 'weights.bin')))).toBe(true);
    expect(untimed(readLog(join(parts, 'log.jsonl')))).toEqual(untimed(readLog(join(whole, 'log.jsonl'))));
  });

  test('batches split over workers: 2 and 3 workers give the same bits, this thread the same up to summation order, and a run resumes on another count', async () => {
    // SGD as in the reference, batch 2 of full images: 7 images in 4 steps (the last of one), pairs of equal and of different sizes.
    const config = { epochs: 1, batch: 2, crop: 'full' as const, mirror: true, lr: 1e-6, seed: 2, checkpointEvery: 1 };
    const model = { init: FIXTURE_CHECKPOINT };
    const run = async (workers: number, out = outDir(), extra: { maxSteps?: number | null } = {}) => {
      const resume = extra.maxSteps === null;
      const result = await trainOnDisk({ train: mini.train, val: mini.test, out, config: { ...config, ...extra }, model: resume ? {} : model, workers, resume });
      result.model.dispose();
      const steps = readLog(join(out, 'log.jsonl')).filter((r): r is StepRecord => r.type === 'step');
      return { out, result, losses: steps.map((r) => r.loss), weights: readFileSync(join(out, 'checkpoint', 'weights.bin')) };
    };
    const two = await run(2);
    const three = await run(3);
    const here = await run(1);
    expect(two.losses).toHaveLength(4);
    expect(three.losses).toEqual(two.losses);
    expect(three.weights.equals(two.weights)).toBe(true);
    expect(three.result.state.history).toEqual(two.result.state.history);
    // In this thread a pair of one size is stacked into one pass, which sums in another order.
    here.losses.forEach((loss, i) => expect(Math.abs(loss - two.losses[i]) / two.losses[i]).toBeLessThan(1e-6));
    const floats = (bytes: Buffer) => new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    const [a, b] = [floats(here.weights), floats(two.weights)];
    const initial = (await loadInitialModel(model)).model;
    const start = Float32Array.from([...initial.parameters.values()].flatMap((v) => [...(v.dataSync() as Float32Array)]));
    initial.dispose();
    let diff = 0;
    let moved = 0;
    for (let i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      moved = Math.max(moved, Math.abs(b[i] - start[i]));
    }
    expect(diff).toBeLessThan(1e-3 * moved);

    // Stopped after 2 steps on 3 workers, resumed on 2: the same bits as the uninterrupted run.
    const parts = await run(3, outDir(), { maxSteps: 2 });
    expect(parts.result.state.step).toBe(2);
    const resumed = await run(2, parts.out, { maxSteps: null });
    expect(resumed.losses).toEqual(two.losses);
    expect(resumed.weights.equals(two.weights)).toBe(true);
    expect(readFileSync(join(parts.out, 'checkpoint', 'optimizer.bin')).equals(readFileSync(join(two.out, 'checkpoint', 'optimizer.bin')))).toBe(true);
  }, 240_000);

  test('a NaN loss stops the run with the step and image, and keeps the last good checkpoint', async () => {
    const train = mini.train.filter((s) => s.part === 'B');
    const val = mini.test.filter((s) => s.part === 'B');
    // Poison the second image's density: its target, and so the loss, is NaN.
    const density = new Float32Array(240 * 320);
    density[1000] = Number.NaN;
    const poisoned = train[1];
    await writeDensityH5(poisoned.density, { height: 240, width: 320, data: density });
    const out = outDir();
    const run = trainOnDisk({ train, val, out, config: { epochs: 2, crop: 'full', mirror: false, shuffle: false, checkpointEvery: 1 }, model: { widthDivisor: 16 } });
    await expect(run).rejects.toThrow(
      new TrainError('NON_FINITE', `step 2 (epoch 1, batch 2/3): the loss is NaN on ${poisoned.image}; stopped before updating the weights, the last checkpoint (step 1) is kept`),
    );
    const checkpoint = (await directoryCheckpointStore(out).load())!;
    expect(checkpoint.state).toMatchObject({ step: 1, stepInEpoch: 1, epoch: 0 });
    for (const t of stateDict(checkpoint.model).values()) expect(t.data.every(Number.isFinite)).toBe(true);
    checkpoint.model.dispose();
    expect(readLog(join(out, 'log.jsonl')).map((r) => (r as StepRecord).step)).toEqual([1]);
  });
});
