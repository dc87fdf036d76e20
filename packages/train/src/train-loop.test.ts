import { createCsrnet } from '@crowd/csrnet';
import { selectBackend } from '@crowd/csrnet/node';
import { beforeAll, describe, expect, test } from 'vitest';
import type { CheckpointStore } from './checkpoint-store.js';
import type { TrainingSet, ValidationSet } from './data.js';
import { TrainError } from './errors.js';
import type { EpochRecord, LogRecord, StepRecord } from './records.js';
import { inProcessCompute, type TrainCompute } from './train-compute.js';
import { train } from './train-loop.js';

beforeAll(() => selectBackend('wasm'));

/** `n` 16×24 in-memory images, image i with one head's worth of density at pixel (4 + i, 6 + i). */
function memoryData(n: number): { data: TrainingSet; validation: ValidationSet } {
  const sample = (i: number) => {
    const data = new Uint8Array(16 * 24 * 3).map((_, k) => (k * (i + 3)) % 251);
    const density = new Float32Array(16 * 24);
    density[(4 + i) * 24 + 6 + i] = 1;
    return { name: `img${i}`, image: { data, width: 24, height: 16 }, density: { height: 16, width: 24, data: density } };
  };
  return {
    data: { size: n, check: async () => {}, load: async (i) => sample(i) },
    validation: { size: n, check: async () => {}, load: async (i) => ({ ...sample(i), count: 1 }) },
  };
}

const tiny = () => ({ model: createCsrnet({ widthDivisor: 16 }, { kind: 'reference', seed: 3 }) });

describe('train', () => {
  test('calls back in order, asks the schedule for each step and logs what it took', async () => {
    const events: string[] = [];
    const asked: Array<[number, number]> = [];
    const logged: LogRecord[] = [];
    const { data, validation } = memoryData(3);
    const result = await train({
      config: { epochs: 2, crop: 'full', mirror: false, lr: 1e-3 },
      data,
      validation,
      init: tiny,
      lr: (epoch, step) => {
        asked.push([epoch, step]);
        return 1e-3 / (1 + step);
      },
      log: { append: (r) => void logged.push(r), position: () => logged.length, truncate: (p) => void logged.splice(p) },
      callbacks: {
        onStart: (info) => void events.push(`start ${info.resumed} ${info.trainImages}/${info.valImages} ÷${info.model.config.widthDivisor}`),
        onEpochStart: (e) => void events.push(`epoch ${e.epoch}/${e.epochs} ${e.batches}`),
        onStep: (s) => void events.push(`step ${s.step}`),
        onEpochEnd: (e) => void events.push(`end ${e.epoch}`),
      },
    });
    expect(events).toEqual(['start false 3/3 ÷16', 'epoch 1/2 3', 'step 1', 'step 2', 'step 3', 'end 1', 'epoch 2/2 3', 'step 4', 'step 5', 'step 6', 'end 2']);
    expect(asked).toEqual([[0, 0], [0, 1], [0, 2], [1, 3], [1, 4], [1, 5]]);
    const steps = logged.filter((r): r is StepRecord => r.type === 'step');
    expect(steps.map((s) => s.lr)).toEqual([1e-3, 1e-3 / 2, 1e-3 / 3, 1e-3 / 4, 1e-3 / 5, 1e-3 / 6]);
    expect(steps.map((s) => [s.epoch, s.batch, s.batches, s.images])).toEqual([[1, 1, 3, 1], [1, 2, 3, 1], [1, 3, 3, 1], [2, 1, 3, 1], [2, 2, 3, 1], [2, 3, 3, 1]]);
    const epochs = logged.filter((r): r is EpochRecord => r.type === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    // The epoch loss is the mean over its examples; the history keeps it.
    expect(epochs[0].loss).toBeCloseTo((steps[0].loss + steps[1].loss + steps[2].loss) / 3, 10);
    expect(result.state.history.map((h) => h.loss)).toEqual(epochs.map((e) => e.loss));
    expect(result).toMatchObject({ stopped: 'completed', state: { epoch: 2, step: 6, stepInEpoch: 0 } });
    result.model.dispose();
  });

  test('hands each batch and each validation to the compute it is given', async () => {
    const { data, validation } = memoryData(3);
    const calls: string[] = [];
    const compute: TrainCompute = {
      gradients: (model, batch, target, where) => {
        calls.push(`${where}: ${batch.map((e) => e.name).join(' + ')} (${target})`);
        return inProcessCompute.gradients(model, batch, target, where);
      },
      counts: (model, size, load, where) => {
        calls.push(`${where}: ${size} images`);
        return inProcessCompute.counts(model, size, load, where);
      },
    };
    const result = await train({ config: { epochs: 1, crop: 'full', mirror: false, shuffle: false, batch: 2 }, data, validation, init: tiny, compute });
    expect(calls).toEqual(['step 1 (epoch 1, batch 1/2): img0 + img1 (sum)', 'step 2 (epoch 1, batch 2/2): img2 (sum)', 'validation (epoch 1): 3 images']);
    result.model.dispose();
  });

  test('a batch that cannot be read fails its own step, even though it is read ahead', async () => {
    const { data, validation } = memoryData(3);
    const broken: TrainingSet = { ...data, load: async (i) => (i === 1 ? Promise.reject(new Error('cannot read img1')) : data.load(i)) };
    const config = { epochs: 1, crop: 'full' as const, mirror: false, shuffle: false };
    // Stopped after step 1, the unread batch 2 is no error (and no unhandled rejection).
    const stopped = await train({ config: { ...config, maxSteps: 1 }, data: broken, validation, init: tiny });
    expect(stopped).toMatchObject({ stopped: 'max-steps', state: { step: 1 } });
    stopped.model.dispose();
    const steps: number[] = [];
    await expect(train({ config, data: broken, validation, init: tiny, callbacks: { onStep: (s) => void steps.push(s.step) } })).rejects.toThrow('cannot read img1');
    expect(steps).toEqual([1]);
  });

  test('maxSteps stops mid-epoch', async () => {
    const { data, validation } = memoryData(3);
    const result = await train({ config: { epochs: 3, crop: 'full', maxSteps: 4 }, data, validation, init: tiny });
    expect(result).toMatchObject({ stopped: 'max-steps', state: { epoch: 1, step: 4, stepInEpoch: 1 } });
    result.model.dispose();
  });

  test('refuses to overwrite an existing checkpoint unless resuming, and to resume without a store', async () => {
    const { data, validation } = memoryData(1);
    const store = { location: '/runs/a/checkpoint', exists: async () => true } as CheckpointStore;
    await expect(train({ data, validation, init: tiny, store })).rejects.toThrow(
      new TrainError('CONFIG_INVALID', 'a checkpoint already exists in /runs/a/checkpoint; resume it, or train into another folder'),
    );
    await expect(train({ data, validation, init: tiny, resume: true })).rejects.toThrow('resume: expected a checkpoint store to resume from, got none');
  });
});
