import { describe, expect, test } from 'vitest';
import { TrainError } from './errors.js';
import { decodeOptimizerState, encodeOptimizerState } from './optimizer-state-codec.js';

describe('optimizer state codec', () => {
  const a = { shape: [2, 1, 1, 2], data: Float32Array.of(1.5, -2.25, 3e-8, 7) };
  const b = { shape: [3], data: Float32Array.of(0.1, 0.2, 0.3) };

  test('SGD momentum buffers round-trip exactly, laid out one after the other', () => {
    const { manifest, bytes } = encodeOptimizerState({ kind: 'sgd', momentumBuffers: new Map([['w', a], ['b', b]]) });
    expect(manifest).toEqual({
      kind: 'sgd',
      tensors: [
        { slot: 'momentum_buffer', name: 'w', shape: [2, 1, 1, 2], offset: 0 },
        { slot: 'momentum_buffer', name: 'b', shape: [3], offset: 16 },
      ],
      byteLength: 28,
    });
    expect(decodeOptimizerState(manifest, bytes)).toEqual({ kind: 'sgd', momentumBuffers: new Map([['w', a], ['b', b]]) });
  });

  test('Adam keeps its step count and both moments', () => {
    const state = { kind: 'adam' as const, step: 12, expAvg: new Map([['w', a]]), expAvgSq: new Map([['w', { shape: a.shape, data: a.data.map((v) => v * v) }]]) };
    const { manifest, bytes } = encodeOptimizerState(state);
    expect(manifest.step).toBe(12);
    expect(manifest.tensors.map((t) => `${t.slot}:${t.offset}`)).toEqual(['exp_avg:0', 'exp_avg_sq:16']);
    expect(decodeOptimizerState(manifest, bytes.slice())).toEqual(state);
  });

  test('a truncated file or a foreign slot is a CHECKPOINT_INVALID error naming the file', () => {
    const { manifest, bytes } = encodeOptimizerState({ kind: 'sgd', momentumBuffers: new Map([['w', a]]) });
    expect(() => decodeOptimizerState(manifest, bytes.subarray(0, 12), 'optimizer.bin')).toThrow(
      new TrainError('CHECKPOINT_INVALID', 'optimizer state: expected 16 bytes, found 12', { file: 'optimizer.bin' }),
    );
    const foreign = { ...manifest, tensors: [{ ...manifest.tensors[0], slot: 'exp_avg' }] };
    expect(() => decodeOptimizerState(foreign, bytes)).toThrow('optimizer state: unexpected slot "exp_avg" for sgd');
    expect(() => decodeOptimizerState({ ...manifest, kind: 'rmsprop' as never }, bytes)).toThrow('optimizer state: expected kind "sgd" or "adam", found "rmsprop"');
  });
});
