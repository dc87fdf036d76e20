import { readFileSync } from 'node:fs';
import { fixture } from '@crowd/test-utils';
import { describe, expect, it } from 'vitest';
import type { NamedTensor, NamedTensors } from '../named-tensors.js';
import { expectedFrontend } from '../../test/fixtures/vgg/expected-frontend.js';
import { readTorchCheckpoint } from '../torch/checkpoint.js';
import { vggFrontendFromTorchvision } from './torchvision.js';
import { errorOf } from '../../test/csrnet-error.js';

const FIXTURES = new URL('../../test/fixtures/vgg/', import.meta.url);
const local = (name: string): Uint8Array => readFileSync(new URL(name, FIXTURES));

describe('vggFrontendFromTorchvision', () => {
  const expected = expectedFrontend();

  it.each([
    ['vgg16-div32-legacy.pth', 'legacy'],
    ['vgg16-div32.pth', 'zip'],
  ])('imports %s (%s format) to exactly the VGG conv1_1…conv4_3 weights', (name, format) => {
    const checkpoint = readTorchCheckpoint(local(name), name);
    expect(checkpoint.format).toBe(format);
    expect(checkpoint.stateDict.has('classifier.6.weight')).toBe(true);
    const frontend = vggFrontendFromTorchvision(checkpoint, name);
    expect([...frontend.keys()]).toEqual([...expected.keys()]);
    expect(frontend).toEqual(expected);
    expect(frontend.get('frontend.21.bias')).toBe(checkpoint.stateDict.get('features.21.bias'));
  });

  it("agrees with the reference's by-position copy (the first 20 state_dict entries)", () => {
    const { stateDict } = readTorchCheckpoint(local('vgg16-div32-legacy.pth'));
    const byName = vggFrontendFromTorchvision(stateDict);
    const firstTwenty = [...stateDict.values()].slice(0, 20);
    expect([...byName.values()]).toEqual(firstTwenty);
  });

  const vgg = readTorchCheckpoint(local('vgg16-div32.pth')).stateDict;
  const renamed = (rename: (key: string) => string | undefined): NamedTensors =>
    new Map([...vgg].flatMap(([key, value]): Array<[string, NamedTensor]> => {
      const name = rename(key);
      return name === undefined ? [] : [[name, value]];
    }));

  it.each([
    [
      'a CSRNet checkpoint',
      () => readTorchCheckpoint(readFileSync(fixture('csrnet', 'zip', 'model_best.pth.tar'))).stateDict,
      'expected features.0.weight and .bias (VGG-16 conv1_1); this is already a CSRNet state_dict (frontend.* keys)',
    ],
    [
      'VGG-16 with batch norm',
      // vgg16_bn: BatchNorm at features.1, so conv1_2 sits at features.3, not 2.
      () => renamed((key) => (key.startsWith('features.2.') ? undefined : key)).set('features.1.running_mean', { shape: [2], data: new Float32Array(2) }),
      'expected features.2.weight and .bias (VGG-16 conv1_2); this is VGG-16 with batch norm (vgg16_bn)',
    ],
    [
      'another VGG depth',
      () => renamed((key) => (key.startsWith('features.17.') ? undefined : key)),
      'expected features.17.weight and .bias (VGG-16 conv4_1); found conv layers at features.{0,2,5,7,10,12,14,19,21,24,26,28}',
    ],
    ['something else', () => renamed((key) => `backbone.${key}`), 'found keys backbone.features.0.weight, backbone.features.0.bias,'],
  ])('explains %s', (_, stateDict, message) => {
    const error = errorOf(() => vggFrontendFromTorchvision(stateDict(), 'weights.pth'));
    expect(error.code).toBe('WEIGHTS_MISMATCH');
    expect(error.file).toBe('weights.pth');
    expect(error.message).toContain(message);
  });

  it('checks that the layers chain like VGG-16', () => {
    const swapped = new Map(vgg);
    swapped.set('features.5.weight', vgg.get('features.7.weight')!);
    expect(errorOf(() => vggFrontendFromTorchvision(swapped, 'w.pth')).message).toBe(
      'w.pth: features.5 (VGG-16 conv2_1) should be a 3x3 conv from 2 channels, [out, 2, 3, 3] in OIHW; found [4, 4, 3, 3]',
    );
    const badBias = new Map(vgg);
    badBias.set('features.0.bias', { shape: [3], data: new Float32Array(3) });
    expect(errorOf(() => vggFrontendFromTorchvision(badBias, 'w.pth')).message).toBe('w.pth: the bias of features.0 (VGG-16 conv1_1) should have shape [2]; found [3]');
  });
});
