import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BACKENDS, useBackend } from '../test/backends.js';
import { readSmallBin } from '../test/fixtures.js';
import { CsrnetError } from './errors.js';
import { createCsrnet, type CsrnetModel } from './model.js';
import { stateDict } from './state-dict.js';

describe('createCsrnet', () => {
  beforeAll(() => useBackend('cpu'));
  test('reference init: N(0, 0.01) weights, zero biases, reproducible from the seed', () => {
    const a = stateDict(createCsrnet({ widthDivisor: 8 }, { kind: 'reference', seed: 7 }));
    const b = stateDict(createCsrnet({ widthDivisor: 8 }, { kind: 'reference', seed: 7 }));
    const c = stateDict(createCsrnet({ widthDivisor: 8 }, { kind: 'reference', seed: 8 }));
    expect(a).toEqual(b);
    expect(a.get('backend.0.weight')!.data).not.toEqual(c.get('backend.0.weight')!.data);
    const w = a.get('backend.0.weight')!.data;
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(3e-4);
    expect(std).toBeCloseTo(0.01, 3);
    expect([...a.values()].filter((t) => t.shape.length === 1).every((t) => t.data.every((v) => v === 0))).toBe(true);
  });

  test('variables are named after the state_dict and conv weights are HWIO', () => {
    const model = createCsrnet({ widthDivisor: 8 });
    const w = model.parameters.get('frontend.0.weight')!;
    expect(w.shape).toEqual([3, 3, 3, 8]);
    expect(w.name).toMatch(/\/frontend\.0\.weight$/);
    expect(model.parameters.get('output_layer.bias')!.shape).toEqual([1]);
    model.dispose();
  });

  test('weights that do not fit are listed: missing, unexpected and mis-shaped', () => {
    const weights = readSmallBin('weights.bin');
    weights.delete('backend.10.bias');
    weights.set('extra.weight', { shape: [2], data: new Float32Array(2) });
    const error = (() => {
      try {
        createCsrnet({}, { kind: 'weights', weights, source: 'small.bin' });
      } catch (e) {
        return e as CsrnetError;
      }
    })();
    expect(error).toBeInstanceOf(CsrnetError);
    expect(error!.code).toBe('WEIGHTS_MISMATCH');
    expect(error!.file).toBe('small.bin');
    expect(error!.message).toContain('expected frontend.0.weight [64,3,3,3], found [8,3,3,3]');
    expect(error!.message).toContain('missing backend.10.bias [64]');
    expect(error!.message).toContain('unexpected extra.weight [2]');
    expect(error!.message).toMatch(/; and \d+ more$/);
  });

  test('bad init options are CONFIG_INVALID', () => {
    expect(() => createCsrnet({}, { kind: 'reference', seed: 0.5 })).toThrow('init.seed: expected an integer, got 0.5');
    expect(() => createCsrnet({}, { kind: 'nope' } as never)).toThrow(`init.kind: expected 'reference', 'he' or 'weights', got "nope"`);
  });
});

describe.each(BACKENDS)('CsrnetModel (%s)', (backend) => {
  let model: CsrnetModel;
  beforeAll(async () => {
    await useBackend(backend);
    model = createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights: readSmallBin('weights.bin') });
  });
  afterAll(() => model.dispose());

  test.each([
    [64, 96, 8, 12],
    [67, 83, 8, 10],
    [15, 23, 1, 2],
    [8, 8, 1, 1],
  ])('input %i×%i gives a %i×%i map (pools floor); predict and apply agree', (h, w, oh, ow) => {
    const x = tf.randomNormal([2, h, w, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const fused = model.predict(x);
    const plain = tf.tidy(() => model.apply(x));
    expect(fused.shape).toEqual([2, oh, ow, 1]);
    expect(model.outputSize(h, w)).toEqual([oh, ow]);
    const a = fused.dataSync();
    const b = plain.dataSync();
    const scale = Math.max(...b.map(Math.abs));
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThanOrEqual(1e-5 * scale);
    tf.dispose([x, fused, plain]);
  });

  test('preprocess gives a normalised [1, H, W, 3] tensor', () => {
    const t = model.preprocess(new Uint8Array([0, 128, 255, 255, 255, 255]), 2, 1);
    expect(t.shape).toEqual([1, 1, 2, 3]);
    expect(t.dataSync()[0]).toBeCloseTo(-0.485 / 0.229, 5);
    t.dispose();
  });

  test('wrong inputs are INPUT_INVALID with what was expected', () => {
    const gray = tf.zeros([1, 16, 16, 1]) as tf.Tensor4D;
    const small = tf.zeros([1, 7, 16, 3]) as tf.Tensor4D;
    expect(() => model.predict(gray)).toThrow('predict: expected a float32 NHWC tensor [N, H ≥ 8, W ≥ 8, 3], found float32 [1,16,16,1]');
    expect(() => model.apply(small)).toThrow('found float32 [1,7,16,3]');
    tf.dispose([gray, small]);
  });
});
