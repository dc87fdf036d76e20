import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { useBackend } from '../test/backends.js';
import { readSmallBin } from '../test/fixtures.js';
import { CsrnetError } from './errors.js';
import { createCsrnet } from './model.js';
import { loadStateDict, readStateDict, stateDict } from './state-dict.js';

beforeAll(() => useBackend('cpu'));

test('stateDict returns the imported tensors exactly (OIHW → HWIO → OIHW), in state_dict order', () => {
  const weights = readSmallBin('weights.bin');
  const model = createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights });
  const out = stateDict(model);
  expect([...out.keys()]).toEqual([...weights.keys()]);
  for (const [name, t] of weights) expect(out.get(name), name).toEqual(t);
  model.dispose();
});

test('readStateDict gives the same with asynchronous reads', async () => {
  const weights = readSmallBin('weights.bin');
  const model = createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights });
  expect(await readStateDict(model)).toEqual(weights);
  model.dispose();
});

test('loadStateDict replaces every parameter', () => {
  const model = createCsrnet({ widthDivisor: 8 }, { kind: 'reference', seed: 1 });
  const weights = readSmallBin('weights.bin');
  loadStateDict(model, weights);
  expect(stateDict(model).get('backend.4.weight')).toEqual(weights.get('backend.4.weight'));
  model.dispose();
});

test('a mismatching state dict changes nothing and says what was expected and found', () => {
  const model = createCsrnet({ widthDivisor: 8 }, { kind: 'reference', seed: 1 });
  const before = stateDict(model);
  const weights = readSmallBin('weights.bin');
  weights.set('frontend.0.weight', { shape: [4, 3, 3, 3], data: new Float32Array(108) });
  const numTensors = tf.memory().numTensors;
  expect(() => loadStateDict(model, weights, { source: 'ckpt.pth' })).toThrow(
    new CsrnetError('WEIGHTS_MISMATCH', 'ckpt.pth', '1 weight(s) do not fit this CSRNet: expected frontend.0.weight [8,3,3,3], found [4,3,3,3]'),
  );
  expect(stateDict(model)).toEqual(before);
  expect(tf.memory().numTensors).toBe(numTensors);
  model.dispose();
});

test('data of the wrong length is WEIGHTS_FORMAT', () => {
  const model = createCsrnet({ widthDivisor: 8 });
  const weights = readSmallBin('weights.bin');
  weights.set('output_layer.bias', { shape: [1], data: new Float32Array(2) });
  expect(() => loadStateDict(model, weights)).toThrow('output_layer.bias [1]: expected 1 float32 values, found 2 float32 values');
  model.dispose();
});
