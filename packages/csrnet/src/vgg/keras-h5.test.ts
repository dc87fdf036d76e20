import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CsrnetError } from '../errors.js';
import type { NamedTensor } from '../named-tensors.js';
import { vggFrontendFromKerasH5 } from './keras-h5.js';
import { expectedFrontend } from '../../test/fixtures/vgg/expected-frontend.js';

const local = (name: string): Uint8Array => readFileSync(new URL(`../../test/fixtures/vgg/${name}`, import.meta.url));
const KERAS_FILES = ['vgg16-div32-keras1-notop.h5', 'vgg16-div32-keras2-notop.h5', 'vgg16-div32-keras2-model.h5'];
const LAYERS = ['block1_conv1', 'block1_conv2', 'block2_conv1', 'block2_conv2', 'block3_conv1', 'block3_conv2', 'block3_conv3', 'block4_conv1', 'block4_conv2', 'block4_conv3'];

async function errorOf(run: () => Promise<unknown>): Promise<CsrnetError> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof CsrnetError)) throw error;
    return error;
  }
  throw new Error('expected a CsrnetError');
}

interface LayerSpec {
  weightNames?: string[];
  kernel?: NamedTensor;
  bias?: NamedTensor;
}

let crafted = 0;

/** Writes an HDF5 file with h5wasm itself: one group per layer, datasets named as listed. */
async function writeH5(layers: Record<string, LayerSpec>, float64 = false, compression?: number): Promise<Uint8Array> {
  const h5 = await import('h5wasm');
  const module = await h5.ready;
  const path = `/crafted-${++crafted}.h5`;
  const file = new h5.File(path, 'w');
  for (const [name, spec] of Object.entries(layers)) {
    const group = file.create_group(name);
    if (spec.weightNames !== undefined) group.create_attribute('weight_names', spec.weightNames);
    const names = spec.weightNames ?? [];
    [spec.kernel, spec.bias].forEach((tensor, i) => {
      if (tensor === undefined || names[i] === undefined) return;
      const data = float64 ? Float64Array.from(tensor.data) : tensor.data;
      group.create_dataset({ name: names[i], data, shape: tensor.shape, ...(compression === undefined ? {} : { chunks: tensor.shape, compression }) });
    });
  }
  file.close();
  const bytes = module.FS.readFile(path);
  module.FS.unlink(path);
  return bytes;
}

/** The fixture front end as Keras stores it: HWIO, conv1_1's input channels BGR. */
function kerasLayers(): Record<string, LayerSpec> {
  const expected = [...expectedFrontend().values()];
  return Object.fromEntries(
    LAYERS.map((layer, l) => {
      const weight = expected[2 * l];
      const [o, i, kh, kw] = weight.shape;
      const kernel = new Float32Array(weight.data.length);
      for (let a = 0; a < o; a++)
        for (let b = 0; b < i; b++)
          for (let h = 0; h < kh; h++)
            for (let w = 0; w < kw; w++) kernel[((h * kw + w) * i + (l === 0 ? i - 1 - b : b)) * o + a] = weight.data[((a * i + b) * kh + h) * kw + w];
      return [layer, { weightNames: ['k', 'b'], kernel: { shape: [kh, kw, i, o], data: kernel }, bias: expected[2 * l + 1] }];
    }),
  );
}

describe('vggFrontendFromKerasH5', () => {
  const expected = expectedFrontend();

  it.each(KERAS_FILES)('imports %s to OIHW with conv1_1 turned from BGR to RGB', async (name) => {
    const frontend = await vggFrontendFromKerasH5(local(name), name);
    expect([...frontend.keys()]).toEqual([...expected.keys()]);
    expect(frontend).toEqual(expected);
  });

  it('would be wrong without the BGR flip (the fixture can tell)', async () => {
    const conv11 = (await vggFrontendFromKerasH5(local(KERAS_FILES[0])))!.get('frontend.0.weight')!;
    const [o, i] = conv11.shape;
    const unflipped = new Float32Array(conv11.data.length);
    for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) unflipped.set(conv11.data.subarray((a * i + b) * 9, (a * i + b + 1) * 9), (a * i + (i - 1 - b)) * 9);
    expect(unflipped).not.toEqual(expected.get('frontend.0.weight')!.data);
  });

  it('accepts float64 datasets', async () => {
    expect(await vggFrontendFromKerasH5(await writeH5(kerasLayers(), true))).toEqual(expected);
  });

  it('refuses a NaN or infinite weight, naming the Keras layer', async () => {
    const layers = kerasLayers();
    layers.block2_conv2.kernel!.data[7] = Infinity;
    const error = await errorOf(async () => vggFrontendFromKerasH5(await writeH5(layers), 'nan.h5'));
    expect(error.code).toBe('WEIGHTS_NOT_FINITE');
    expect(error.message).toMatch(/^nan\.h5: block2_conv2\.weight \(VGG-16 conv2_2, OIHW\) \[4,4,3,3\] holds Infinity at element \d+ \(index \[\d, \d, \d, \d\]\); 1 of its 144 values/);
  });

  it("checks each dataset's size before reading it: a compressed kernel cannot inflate past the budget", async () => {
    const layers = kerasLayers();
    // 1.7 M zeros in a gzip-compressed dataset: a few kB in the file.
    layers.block1_conv1.kernel = { shape: [3, 3, 3, 64_000], data: new Float32Array(3 * 3 * 3 * 64_000) };
    const bytes = await writeH5(layers, false, 9);
    expect(bytes.length).toBeLessThan(200_000);
    const error = await errorOf(() => vggFrontendFromKerasH5(bytes, 'bomb.h5', { maxExtraElements: 1_000_000 }));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toMatch(
      /^bomb\.h5: layer block1_conv1's k has shape \[3, 3, 3, 64000\]: with the weights before it, 1,728,000 values, more than the [\d,]+ this file has room for, over the limit limits\.maxExtraElements = 1,000,000\./,
    );
    // Within the budget it is read, and then refused for what it is.
    expect((await errorOf(() => vggFrontendFromKerasH5(bytes, 'bomb.h5'))).code).toBe('WEIGHTS_MISMATCH');
  });

  it.each([
    ['a PyTorch checkpoint', () => local('vgg16-div32.pth'), 'this is a PyTorch checkpoint, not Keras HDF5 weights; read it with readTorchCheckpoint and vggFrontendFromTorchvision'],
    ['an HTML page', () => new TextEncoder().encode('<!doctype html><html>'), 'this looks like an HTML page, not a Keras HDF5 weights file — the download probably failed'],
    ['an empty file', () => new Uint8Array(0), 'the file is empty (0 bytes)'],
  ])('explains %s', async (_, bytes, message) => {
    const error = await errorOf(() => vggFrontendFromKerasH5(bytes(), 'vgg16.h5'));
    expect(error.code).toBe('WEIGHTS_FORMAT');
    expect(error.file).toBe('vgg16.h5');
    expect(error.message).toContain(message);
  });

  it('calls a truncated file damaged, then still reads good files', async () => {
    const bytes = local(KERAS_FILES[0]);
    for (const n of [100, 2048, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const error = await errorOf(() => vggFrontendFromKerasH5(bytes.subarray(0, n), 'cut.h5'));
      expect(error.code, `cut at ${n}`).toBe('WEIGHTS_FORMAT');
      expect(error.message, `cut at ${n}`).toMatch(/^cut\.h5: HDF5 could not read the file: .+ — is it truncated or damaged\?$/);
    }
    expect(await vggFrontendFromKerasH5(bytes)).toEqual(expected);
  });

  it.each([
    [
      'another network',
      () => ({ conv1: { weightNames: [] }, res2a_branch2a: { weightNames: [] } }),
      'WEIGHTS_MISMATCH',
      'expected a layer group block1_conv1 (VGG-16 conv1_1); the file has layers conv1, res2a_branch2a — is it VGG-16?',
    ],
    ['a Keras 3 .weights.h5 file', () => ({ layers: {}, optimizer: {} }), 'WEIGHTS_MISMATCH', 'this looks like a Keras 3 ".weights.h5" file'],
    [
      'Theano-ordered kernels',
      () => {
        const layers = kerasLayers();
        const { kernel } = layers.block2_conv1;
        layers.block2_conv1.kernel = { shape: [kernel!.shape[3], kernel!.shape[2], 3, 3], data: kernel!.data };
        return layers;
      },
      'WEIGHTS_MISMATCH',
      'layer block2_conv1 should hold a [3, 3, in, out] kernel (TensorFlow dim ordering) and a bias; found [4, 2, 3, 3] and [4] — the Theano-ordered file',
    ],
    [
      'a layer without weight_names',
      () => ({ ...kerasLayers(), block3_conv2: {} }),
      'WEIGHTS_FORMAT',
      'layer block3_conv2 should list its kernel and bias in a weight_names attribute; found null',
    ],
    [
      'a listed weight that is missing',
      () => ({ ...kerasLayers(), block1_conv2: { ...kerasLayers().block1_conv2, weightNames: ['k', 'missing'], bias: undefined } }),
      'WEIGHTS_FORMAT',
      'layer block1_conv2 lists weight missing, but the file has no float dataset by that name',
    ],
    [
      'layers that do not chain',
      () => ({ ...kerasLayers(), block2_conv1: kerasLayers().block2_conv2 }),
      'WEIGHTS_MISMATCH',
      'block2_conv1 (VGG-16 conv2_1) should be a 3x3 conv from 2 channels, [out, 2, 3, 3] in OIHW; found [4, 4, 3, 3]',
    ],
  ])('explains %s', async (_, layers, code, message) => {
    const error = await errorOf(async () => vggFrontendFromKerasH5(await writeH5(layers() as Record<string, LayerSpec>), 'weights.h5'));
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
  });
});
