import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createCsrnet, heInit, momentumBuffersByName, readTorchCheckpoint, referenceInit, resolveCsrnetConfig, stateDict, vggFrontendFromKerasH5, vggFrontendFromTorchvision } from '@crowd/csrnet';
import { selectBackend } from '@crowd/csrnet/node';
import { beforeAll, describe, expect, test } from 'vitest';
import { FIXTURE_CHECKPOINT, readSmallBin } from '../../test/fixtures.js';
import { TrainError } from '../errors.js';
import { loadInitialModel } from './initial-model.js';

beforeAll(() => selectBackend('wasm'));

/** @crowd/csrnet's ÷32 VGG-16 test files (torchvision and Keras layouts of the same weights). */
const vgg = (name: string) => fileURLToPath(new URL(`../../../csrnet/test/fixtures/vgg/${name}`, import.meta.url));

describe('loadInitialModel', () => {
  test("--init: a PyTorch checkpoint's weights, with a fresh optimizer unless initOptimizer asks for its momentum buffers", async () => {
    const weights = readSmallBin('weights.bin');
    const plain = await loadInitialModel({ init: FIXTURE_CHECKPOINT });
    expect(plain.optimizerState).toBeUndefined();
    expect(plain.model.config.widthDivisor).toBe(8);
    for (const [name, t] of stateDict(plain.model)) expect(t.data).toEqual(weights.get(name)!.data);
    plain.model.dispose();

    const withMomentum = await loadInitialModel({ init: FIXTURE_CHECKPOINT, initOptimizer: true });
    const expected = momentumBuffersByName(readTorchCheckpoint(new Uint8Array(readFileSync(FIXTURE_CHECKPOINT))));
    expect(withMomentum.optimizerState).toEqual({ kind: 'sgd', momentumBuffers: expected });
    expect(expected.size).toBe(34);
    withMomentum.model.dispose();
  });

  test('--init-frontend: VGG-16 weights over the front end, the reference init (same seed) elsewhere', async () => {
    const config = resolveCsrnetConfig({ widthDivisor: 32 });
    const reference = referenceInit(config, 4);
    const torchvision = vggFrontendFromTorchvision(readTorchCheckpoint(new Uint8Array(readFileSync(vgg('vgg16-div32.pth')))));
    const { model } = await loadInitialModel({ widthDivisor: 32, seed: 4, initFrontend: vgg('vgg16-div32.pth') });
    const got = stateDict(model);
    model.dispose();
    expect(got.get('frontend.0.weight')!.data).toEqual(torchvision.get('frontend.0.weight')!.data);
    expect(got.get('frontend.21.bias')!.data).toEqual(torchvision.get('frontend.21.bias')!.data);
    expect(got.get('backend.0.weight')!.data).toEqual(reference.get('backend.0.weight')!.data);
    expect(got.get('output_layer.weight')!.data).toEqual(reference.get('output_layer.weight')!.data);

    const keras = await vggFrontendFromKerasH5(new Uint8Array(readFileSync(vgg('vgg16-div32-keras2-notop.h5'))));
    const fromKeras = await loadInitialModel({ widthDivisor: 32, seed: 4, initFrontend: vgg('vgg16-div32-keras2-notop.h5') });
    expect(stateDict(fromKeras.model).get('frontend.10.weight')!.data).toEqual(keras.get('frontend.10.weight')!.data);
    fromKeras.model.dispose();
  });

  test('no init: the reference init from the seed; contradictory options are CONFIG_INVALID errors', async () => {
    const { model } = await loadInitialModel({ widthDivisor: 16, variant: 'C', seed: 2 });
    const expected = createCsrnet({ widthDivisor: 16, variant: 'C' }, { kind: 'reference', seed: 2 });
    expect(stateDict(model)).toEqual(stateDict(expected));
    model.dispose();
    expected.dispose();
    await expect(loadInitialModel({ init: FIXTURE_CHECKPOINT, widthDivisor: 16 })).rejects.toThrow(
      new TrainError('CONFIG_INVALID', 'init: the model has width divisor 8, but width divisor 16 was asked for', { file: FIXTURE_CHECKPOINT }),
    );
    await expect(loadInitialModel({ init: 'a.pth', initFrontend: 'vgg.pth' })).rejects.toThrow('init and initFrontend: expected at most one, got both (a.pth, vgg.pth)');
    await expect(loadInitialModel({ initOptimizer: true })).rejects.toThrow('initOptimizer: expected a PyTorch checkpoint given as init, got no init');
    await expect(loadInitialModel({ initScheme: 'xavier' as never })).rejects.toThrow(`initScheme: expected 'reference' or 'he', got "xavier"`);
  });

  test("initScheme 'he': He-normal weights from the seed, also under a VGG-16 front end", async () => {
    const { model } = await loadInitialModel({ widthDivisor: 16, seed: 3, initScheme: 'he' });
    const expected = createCsrnet({ widthDivisor: 16 }, { kind: 'he', seed: 3 });
    expect(stateDict(model)).toEqual(stateDict(expected));
    model.dispose();
    expected.dispose();
    const path = vgg('vgg16-div32.pth');
    const withFrontend = await loadInitialModel({ widthDivisor: 32, seed: 3, initScheme: 'he', initFrontend: path });
    const he = heInit(resolveCsrnetConfig({ widthDivisor: 32 }), 3);
    const frontend = vggFrontendFromTorchvision(readTorchCheckpoint(new Uint8Array(readFileSync(path)), path), path);
    const weights = stateDict(withFrontend.model);
    expect(weights.get('backend.0.weight')!.data).toEqual(he.get('backend.0.weight')!.data);
    expect(weights.get('frontend.0.weight')!.data).toEqual(frontend.get('frontend.0.weight')!.data);
    withFrontend.model.dispose();
  });
});
