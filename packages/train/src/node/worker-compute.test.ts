import { createCsrnet, type CsrnetModel } from '@crowd/csrnet';
import { selectBackend } from '@crowd/csrnet/node';
import type { Sample } from '@crowd/datasets/node';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FIXTURE_CHECKPOINT } from '../../test/fixtures.ts';
import { preparedMini } from '../../test/mini-dataset.ts';
import { patchWindow } from '../crop-window.ts';
import { TrainError } from '../errors.ts';
import { cropAndMirror } from '../joint-transform.ts';
import { inProcessCompute, type BatchExample, type BatchGradients } from '../train-compute.ts';
import { fileTrainingSet } from './file-datasets.ts';
import { loadInitialModel } from './initial-model.ts';
import { workerCompute, type WorkerCompute } from './worker-compute.ts';

let mini: { root: string; train: Sample[]; test: Sample[] };
let model: CsrnetModel;
const engines: WorkerCompute[] = [];
beforeAll(async () => {
  await selectBackend('wasm');
  mini = await preparedMini();
  // The ÷8 fixture model (He-init weights, 254 k parameters).
  model = (await loadInitialModel({ init: FIXTURE_CHECKPOINT })).model;
}, 120_000);
afterAll(async () => {
  model?.dispose();
  await Promise.all(engines.map((e) => e.close()));
});

const engine = (workers: number) => {
  const e = workerCompute({ workers });
  engines.push(e);
  return e;
};

/** Training examples of the mini set: full images, or `crop` windows at the given draws, optionally mirrored. */
async function examples(picks: Array<{ sample: number; crop?: { height: number; width: number }; mirror?: boolean }>): Promise<BatchExample[]> {
  const set = fileTrainingSet(mini.train);
  return Promise.all(
    picks.map(async ({ sample, crop, mirror = false }) => {
      const s = await set.load(sample);
      const window = patchWindow(crop === undefined ? { kind: 'full' } : { kind: 'random', u: 0.3, v: 0.7 }, s.image.height, s.image.width, crop ?? 'full');
      return { ...cropAndMirror(s, window, mirror), name: s.name };
    }),
  );
}

async function values(result: BatchGradients): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, g] of result.grads) out.set(name, (await g.data()) as Float32Array);
  tf.dispose([...result.grads.values()]);
  return out;
}

/** max |a − b| over max |b|, over every parameter. */
function relativeDifference(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let diff = 0;
  let scale = 0;
  for (const [name, want] of b) {
    const got = a.get(name)!;
    for (let i = 0; i < want.length; i++) {
      diff = Math.max(diff, Math.abs(got[i] - want[i]));
      scale = Math.max(scale, Math.abs(want[i]));
    }
  }
  return diff / scale;
}

describe('workerCompute', () => {
  test('a batch of mixed sizes gives the same bits on 1 and 2 workers as in this thread', async () => {
    // Part A 400×300 and 320×240 (grey) and 347×261, mirrored or not: full images, so every example has its own size.
    const batch = await examples([{ sample: 0 }, { sample: 1, mirror: true }, { sample: 2 }]);
    expect(new Set(batch.map((e) => `${e.image.height}×${e.image.width}`)).size).toBe(3);
    const here = await inProcessCompute.gradients(model, batch, 'sum', 'step 1');
    const one = await engine(1).gradients(model, batch, 'sum', 'step 1');
    const two = await engine(2).gradients(model, batch, 'sum', 'step 1');
    expect(here.loss).toBeGreaterThan(1);
    expect(one.loss).toBe(here.loss);
    expect(two.loss).toBe(here.loss);
    const [h, o, t] = [await values(here), await values(one), await values(two)];
    expect([...o.keys()]).toEqual([...model.parameters.keys()]);
    for (const [name, g] of h) {
      expect(Buffer.from(o.get(name)!.buffer).equals(Buffer.from(g.buffer)), name).toBe(true);
      expect(Buffer.from(t.get(name)!.buffer).equals(Buffer.from(g.buffer)), name).toBe(true);
    }
  });

  test('a batch of one size matches the stacked pass up to float summation order', async () => {
    const crop = { height: 128, width: 160 };
    const batch = await examples([{ sample: 0, crop }, { sample: 3, crop, mirror: true }, { sample: 4, crop }, { sample: 5, crop }]);
    const stacked = await inProcessCompute.gradients(model, batch, 'bicubic', 'step 1');
    const two = await engine(2).gradients(model, batch, 'bicubic', 'step 1');
    expect(Math.abs(two.loss - stacked.loss) / stacked.loss).toBeLessThan(1e-6);
    expect(relativeDifference(await values(two), await values(stacked))).toBeLessThan(1e-5);
  });

  test('validation counts are the same bits as in this thread', async () => {
    const set = fileTrainingSet(mini.test);
    const load = async (i: number) => {
      const { name, image } = await set.load(i);
      return { name, image };
    };
    const here = await inProcessCompute.counts(model, set.size, load, 'validation');
    expect(here).toHaveLength(6);
    expect(await engine(2).counts(model, set.size, load, 'validation')).toEqual(here);
  });

  test('an example a worker throws on fails the call with WORKER_FAILED naming the step and the image', async () => {
    const [good] = await examples([{ sample: 0 }]);
    // A density map smaller than its image: the target no longer matches the prediction, and the loss throws in the worker.
    const bad: BatchExample = { ...good, density: { height: 16, width: 16, data: new Float32Array(256) }, name: 'bad.jpg' };
    const e = engine(2);
    const error = await e.gradients(model, [good, bad], 'sum', 'step 7 (epoch 2, batch 1/3)').catch((x: unknown) => x);
    expect(error).toBeInstanceOf(TrainError);
    expect(error).toMatchObject({ code: 'WORKER_FAILED' });
    expect((error as Error).message).toBe('step 7 (epoch 2, batch 1/3): worker 2 of 2 failed on bad.jpg: loss: expected a target shaped like the prediction [1,37,50,1], found [1,2,2,1]');
    await expect(e.gradients(model, [good], 'sum', 'step 8')).rejects.toMatchObject({ code: 'WORKER_FAILED' });
  });

  test('refuses a bad worker count and a GPU backend', () => {
    expect(() => workerCompute({ workers: 0 })).toThrow(new TrainError('CONFIG_INVALID', 'workers: expected a positive integer, got 0'));
    expect(() => workerCompute({ workers: 2, backend: 'tensorflow' as never })).toThrow(
      new TrainError('CONFIG_INVALID', 'workers: expected the wasm or cpu backend (worker threads split CPU work; "tensorflow" gains nothing from them), got "tensorflow"'),
    );
  });
});
