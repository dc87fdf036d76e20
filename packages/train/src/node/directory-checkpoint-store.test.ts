import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCsrnet, stateDict } from '@crowd/csrnet';
import { loadCsrnetFile, selectBackend } from '@crowd/csrnet/node';
import { beforeAll, describe, expect, test } from 'vitest';
import { readSmallBin } from '../../test/fixtures.js';
import { resolveTrainConfig } from '../config.js';
import { TrainError } from '../errors.js';
import { Prng } from '../prng.js';
import { initialTrainState, type TrainState } from '../train-state.js';
import { oldPath } from './atomic-directory.js';
import { directoryCheckpointStore } from './directory-checkpoint-store.js';

beforeAll(() => selectBackend('wasm'));

function sampleState(): TrainState {
  const rng = Prng.fromSeed(4);
  rng.next();
  return {
    ...initialTrainState(resolveTrainConfig({ optimizer: 'adam', lr: 1e-4, checkpointEvery: 3 }), 7),
    epoch: 2,
    step: 41,
    stepInEpoch: 5,
    epochRng: rng.state(),
    epochLoss: 123.456789012345,
    epochImages: 5,
    best: { mae: 17.25, epoch: 1 },
    history: [{ epoch: 1, step: 18, loss: 33.1, valMae: 17.25, valRmse: 20.5 }, { epoch: 2, step: 36, loss: 30.2, valMae: 19.5, valRmse: 22 }],
    logBytes: 5120,
  };
}

describe('directoryCheckpointStore', () => {
  const weights = readSmallBin('weights.bin');
  const momentum = readSmallBin('train_step', 'grads.bin');
  const adam = { kind: 'adam' as const, step: 41, expAvg: momentum, expAvgSq: new Map([...momentum].map(([n, t]) => [n, { shape: t.shape, data: t.data.map((v) => v * v) }])) };

  test('a checkpoint round-trips exactly: weights, optimizer state and run state', async () => {
    const out = mkdtempSync(join(tmpdir(), 'crowd-ckpt-'));
    const store = directoryCheckpointStore(out);
    expect(await store.exists()).toBe(false);
    expect(await store.load()).toBeUndefined();
    const model = createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights });
    const state = sampleState();
    await store.save({ model, optimizer: adam, state });
    expect(readdirSync(join(out, 'checkpoint')).sort()).toEqual(['model.json', 'optimizer.bin', 'state.json', 'weights.bin']);
    expect(readdirSync(out)).toEqual(['checkpoint']);
    expect(await store.exists()).toBe(true);

    const loaded = (await store.load())!;
    expect(loaded.state).toEqual(state);
    expect(loaded.optimizer).toEqual(adam);
    for (const [name, t] of stateDict(loaded.model)) expect(t.data).toEqual(weights.get(name)!.data);
    // The weights and the optimizer file are the float32 values, nothing more.
    expect(readFileSync(join(out, 'checkpoint', 'optimizer.bin')).length).toBe(2 * 4 * 254_825);
    expect(readFileSync(join(out, 'checkpoint', 'weights.bin')).length).toBe(4 * 254_825);
    loaded.model.dispose();

    // Saving again replaces the whole folder.
    await store.save({ model, optimizer: { kind: 'sgd', momentumBuffers: momentum }, state: { ...state, step: 42 } });
    const second = (await store.load())!;
    expect(second.state.step).toBe(42);
    expect(second.optimizer.kind).toBe('sgd');
    expect(readdirSync(out)).toEqual(['checkpoint']);
    second.model.dispose();
    model.dispose();
  });

  test('a process killed between the renames of a save: load() finds the previous checkpoint', async () => {
    const out = mkdtempSync(join(tmpdir(), 'crowd-ckpt-'));
    const store = directoryCheckpointStore(out);
    const model = createCsrnet({ widthDivisor: 16 }, { kind: 'reference', seed: 1 });
    await store.save({ model, optimizer: { kind: 'sgd', momentumBuffers: new Map() }, state: sampleState() });
    renameSync(join(out, 'checkpoint'), oldPath(join(out, 'checkpoint')));
    const loaded = (await store.load())!;
    expect(loaded.state.step).toBe(41);
    expect(existsSync(oldPath(join(out, 'checkpoint')))).toBe(false);
    loaded.model.dispose();
    model.dispose();
  });

  test('the best model is a tfjs model folder that loadCsrnetFile reads, with its metrics beside it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'crowd-ckpt-'));
    const store = directoryCheckpointStore(out);
    const model = createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights });
    await store.saveBest(model, { epoch: 3, step: 27, valMae: 12.5, valRmse: 15.25 });
    const { model: best, format } = await loadCsrnetFile(join(out, 'best'));
    expect(format).toBe('tfjs');
    expect(stateDict(best).get('backend.4.weight')!.data).toEqual(weights.get('backend.4.weight')!.data);
    expect(JSON.parse(readFileSync(join(out, 'best', 'best.json'), 'utf8'))).toEqual({ epoch: 3, step: 27, valMae: 12.5, valRmse: 15.25 });
    best.dispose();
    model.dispose();
  });

  test('a damaged checkpoint is a CHECKPOINT_INVALID error naming the file', async () => {
    const out = mkdtempSync(join(tmpdir(), 'crowd-ckpt-'));
    const store = directoryCheckpointStore(out);
    const model = createCsrnet({ widthDivisor: 16 }, { kind: 'reference', seed: 1 });
    await store.save({ model, optimizer: { kind: 'sgd', momentumBuffers: new Map() }, state: sampleState() });
    model.dispose();
    const statePath = join(out, 'checkpoint', 'state.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    writeFileSync(statePath, JSON.stringify({ ...state, version: 9 }));
    await expect(store.load()).rejects.toThrow(new TrainError('CHECKPOINT_INVALID', 'format: expected crowd-train-state version 1, found "crowd-train-state" version 9', { file: statePath }));
    writeFileSync(statePath, '{"format":');
    await expect(store.load()).rejects.toThrow(/state\.json: expected the run's state as JSON: /);
  });
});
