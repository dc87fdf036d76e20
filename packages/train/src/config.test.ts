import { describe, expect, test } from 'vitest';
import { resolveTrainConfig, resumeTrainConfig, TRAIN_PRESETS } from './config.js';
import { TrainError } from './errors.js';

const message = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TrainError);
    expect((error as TrainError).code).toBe('CONFIG_INVALID');
    return (error as Error).message;
  }
  throw new Error('expected a TrainError');
};

describe('resolveTrainConfig', () => {
  test('the paper preset is the default; the reference preset is train.py as it runs', () => {
    expect(resolveTrainConfig()).toEqual({
      preset: 'paper',
      epochs: 400,
      optimizer: 'sgd',
      lr: 1e-6,
      momentum: 0.95,
      weightDecay: 5e-4,
      adamBetas: [0.9, 0.999],
      adamEps: 1e-8,
      batch: 1,
      crop: 'nine-patch',
      mirror: true,
      repeat: 1,
      shuffle: true,
      target: 'sum',
      referenceEval: false,
      seed: 0,
      checkpointEvery: 0,
      maxSteps: null,
    });
    expect(resolveTrainConfig({ preset: 'reference' })).toMatchObject({ lr: 1e-7, momentum: 0.95, weightDecay: 5e-4, epochs: 400, batch: 1, crop: 'full', mirror: false, repeat: 4, target: 'bicubic', referenceEval: true });
    expect(resolveTrainConfig({ preset: 'reference', lr: 1e-5, crop: { height: 64, width: 96 }, batch: 4, maxSteps: undefined })).toMatchObject({
      preset: 'reference',
      lr: 1e-5,
      crop: { height: 64, width: 96 },
      batch: 4,
      maxSteps: null,
    });
    // Examples of different sizes (full images, quarters) batch too: their gradients are accumulated.
    expect(resolveTrainConfig({ preset: 'reference', batch: 2 })).toMatchObject({ crop: 'full', batch: 2 });
    expect(TRAIN_PRESETS.paper.lr).toBe(1e-6);
  });

  test('a bad option is an error naming the option, the expectation and the value', () => {
    expect(message(() => resolveTrainConfig({ lr: 0 }))).toBe('lr: expected a finite number > 0, got 0');
    expect(message(() => resolveTrainConfig({ momentum: 1 }))).toBe('momentum: expected a number in [0, 1), got 1');
    expect(message(() => resolveTrainConfig({ epochs: 2.5 }))).toBe('epochs: expected a positive integer, got 2.5');
    expect(message(() => resolveTrainConfig({ preset: 'fast' as never }))).toBe(`preset: expected 'reference' or 'paper', got "fast"`);
    expect(message(() => resolveTrainConfig({ crop: { height: 4, width: 64 } }))).toBe(`crop: expected 'full', 'nine-patch' or { height, width } with integers ≥ 8, got {"height":4,"width":64}`);
    expect(message(() => resolveTrainConfig({ batch: 0 }))).toBe('batch: expected a positive integer, got 0');
    expect(message(() => resolveTrainConfig({ target: 'mean' as never }))).toBe(`target: expected 'sum' or 'bicubic', got "mean"`);
    expect(message(() => resolveTrainConfig({ maxSteps: 0 }))).toBe('maxSteps: expected a positive integer or null, got 0');
    expect(message(() => resolveTrainConfig({ checkpointEvery: -1 }))).toBe('checkpointEvery: expected an integer ≥ 0 (0: at epoch ends only), got -1');
    expect(message(() => resolveTrainConfig({ learningRate: 1 } as never))).toBe(
      'learningRate: expected no such option (known: preset, epochs, optimizer, lr, momentum, weightDecay, adamBetas, adamEps, batch, crop, mirror, repeat, shuffle, target, referenceEval, seed, checkpointEvery, maxSteps), got 1',
    );
    expect(message(() => resolveTrainConfig({ adamBetas: [0.9, 1] }))).toBe('adamBetas: expected two numbers in [0, 1), got [0.9,1]');
  });
});

describe('resumeTrainConfig', () => {
  const saved = resolveTrainConfig({ lr: 1e-5, epochs: 10 });

  test('keeps the saved settings and takes epochs, maxSteps and checkpointEvery from the overrides', () => {
    expect(resumeTrainConfig(saved, { epochs: 20, maxSteps: 100, checkpointEvery: 5, lr: 1e-5, crop: 'nine-patch' })).toEqual({ ...saved, epochs: 20, maxSteps: 100, checkpointEvery: 5 });
    expect(resumeTrainConfig(saved)).toEqual(saved);
  });

  test('refuses a setting that would change the replayed steps', () => {
    expect(message(() => resumeTrainConfig(saved, { lr: 1e-4 }))).toBe(
      'resume: lr is 0.00001 in the checkpoint, got 0.0001; a resumed run keeps its settings except epochs, maxSteps, checkpointEvery',
    );
    expect(message(() => resumeTrainConfig(saved, { shuffle: false }))).toMatch(/^resume: shuffle is true in the checkpoint, got false;/);
  });
});
