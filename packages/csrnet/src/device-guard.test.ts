import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { useBackend } from '../test/backends.js';
import { errorOf } from '../test/csrnet-error.js';
import { activeDeviceGuard, setDeviceGuard, type DeviceGuard } from './device-guard.js';
import { CsrnetError } from './errors.js';
import { createCsrnet, type CsrnetModel } from './model.js';
import { lossAndGradients } from './train-step.js';

// ÷8 model: frontend.0's output is 8 channels, 32 bytes a pixel; 256 KiB bindings hold 8192 pixels.
let model: CsrnetModel;
beforeAll(async () => {
  await useBackend('cpu');
  model = createCsrnet({ widthDivisor: 8 });
});
afterAll(() => model.dispose());
afterEach(() => setDeviceGuard(undefined));

/** A guard with 256 KiB bindings, recording what it was asked. */
function guard(backend: string, failure?: string): DeviceGuard & { asked: string[] } {
  const asked: string[] = [];
  return {
    backend,
    limits: { maxStorageBufferBindingSize: 262144, maxBufferSize: 2 ** 32 },
    convOptions: () => ({ im2colWorkgroups: 0 }),
    throwIfFailed(where) {
      asked.push(where);
      if (failure !== undefined) throw new CsrnetError('DEVICE_ERROR', undefined, `${where}: ${failure}`);
    },
    asked,
  };
}

describe('device guard hook', () => {
  test('consulted only while its backend is active', () => {
    const other = guard('webgpu');
    setDeviceGuard(other);
    expect(activeDeviceGuard()).toBeUndefined();
    const input = tf.zeros([1, 64, 64, 3]) as tf.Tensor4D;
    tf.dispose([model.predict(input), input]);
    expect(other.asked).toEqual([]);
  });

  test('predict and apply check a forward, lossAndGradients a training step, before running', () => {
    const cpu = guard('cpu');
    setDeviceGuard(cpu);
    expect(activeDeviceGuard()).toBe(cpu);
    const fits = tf.zeros([1, 64, 128, 3]) as tf.Tensor4D;
    const target = tf.zeros([1, 8, 16, 1]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    tf.dispose(model.predict(fits));
    tf.dispose(tf.tidy(() => model.apply(fits)));
    expect(tf.memory().numTensors).toBe(before);
    // Exactly the limit for a forward; a training step pads frontend.2's input to 66×130: 8·66·130·4 = 274560 bytes.
    expect(errorOf(() => lossAndGradients(model, fits, target)).message).toMatch(
      /^lossAndGradients: a training step on a \[1,64,128,3\] input needs the tensor 'frontend\.2 input, padded and transposed \(filter gradient\)' \[8,1,66,130\] of 274560 bytes/,
    );
    const tall = tf.zeros([1, 72, 128, 3]) as tf.Tensor4D;
    expect(errorOf(() => model.predict(tall))).toMatchObject({ code: 'DEVICE_LIMIT', message: expect.stringMatching(/^predict: a forward on a \[1,72,128,3\] input .* inputs up to 88×88 fit/) });
    expect(errorOf(() => model.apply(tall)).message).toMatch(/^apply: /);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(cpu.asked).toEqual(['predict', 'apply', 'lossAndGradients', 'predict', 'apply']);
    tf.dispose([fits, target, tall]);
  });

  test('a failed device stops the forward before the size check', () => {
    setDeviceGuard(guard('cpu', 'device lost'));
    const input = tf.zeros([1, 8, 8, 3]) as tf.Tensor4D;
    expect(errorOf(() => model.predict(input))).toMatchObject({ code: 'DEVICE_ERROR', message: 'predict: device lost' });
    input.dispose();
  });
});
