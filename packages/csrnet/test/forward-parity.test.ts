import * as tf from '@tensorflow/tfjs';
import { fixture, formulaWeights } from '@crowd/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCsrnet, type CsrnetModel } from '../src/model.js';
import { BACKENDS, useBackend } from './backends.js';
import { maxDiff, nhwcFromNchwNpy, npyFloat32, readSmallBin } from './fixtures.js';

describe.each(BACKENDS)('forward parity with PyTorch (%s)', (backend) => {
  beforeAll(() => useBackend(backend));

  test('÷8 fixture model: output.npy within 1e-4 of max|output|', () => {
    const model = createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights: readSmallBin('weights.bin'), source: 'csrnet/weights.bin' });
    const input = nhwcFromNchwNpy('csrnet', 'input.npy');
    const out = model.predict(input);
    const expected = npyFloat32('csrnet', 'output.npy');
    expect(out.shape).toEqual([1, 8, 12, 1]);
    const { diff, scale } = maxDiff(out.dataSync(), expected.data);
    console.log(`[${backend}] ÷8 forward: max |diff| ${diff.toExponential(2)}, max |output| ${scale.toFixed(3)}`);
    expect(diff).toBeLessThan(1e-4 * scale);
    tf.dispose([input, out]);
    model.dispose();
  });
});

// The full-width forward at 64×96 is 5.1 GFLOP: 0.3 s on wasm and 3.4–4.4 s on the
// cpu backend (up to 7 s while other test files share the 2-core dev machine),
// cheap enough to check on every backend.
describe.each(BACKENDS)('full-width formula model (%s)', (backend) => {
  let model: CsrnetModel;
  beforeAll(async () => {
    await useBackend(backend);
    model = createCsrnet({}, { kind: 'weights', weights: formulaWeights(), source: 'csrnet-full-formula' });
  });
  afterAll(() => model.dispose());

  test('output.npy within 1e-4 of max|output|', () => {
    const input = nhwcFromNchwNpy('csrnet-full-formula', 'input.npy');
    const out = model.predict(input);
    const data = out.dataSync();
    const expected = npyFloat32('csrnet-full-formula', 'output.npy');
    const { diff, scale } = maxDiff(data, expected.data);
    console.log(`[${backend}] full-width forward 64×96: max |diff| ${diff.toExponential(2)}, max |output| ${scale.toFixed(3)}`);
    expect(diff).toBeLessThan(1e-4 * scale);
    tf.dispose([input, out]);
  });
});
