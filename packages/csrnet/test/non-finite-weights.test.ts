import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { fixture, poisonTensor } from '@crowd/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import type { CsrnetError } from '../src/errors.ts';
import { createCsrnet } from '../src/model.ts';
import { saveCsrnet } from '../src/model-io.ts';
import { fileSystemHandler } from '../src/node/file-system-handler.ts';
import { loadCsrnetFile } from '../src/node/load-csrnet-file.ts';
import { loadStateDict, stateDict } from '../src/state-dict.ts';
import { readTorchCheckpoint } from '../src/torch/checkpoint.ts';
import { vggFrontendFromTorchvision } from '../src/vgg/torchvision.ts';
import { expectedFrontend } from './fixtures/vgg/expected-frontend.ts';
import { errorOf } from './csrnet-error.ts';
import { readSmallBin } from './fixtures.ts';

/**
 * A NaN or infinite weight is refused on every way weights get into a model
 * (the one check sits where they all pass, parameter matching), before a
 * NaN count or a NaN model written over a good one can happen.
 */

const dir = mkdtempSync(join(tmpdir(), 'csrnet-nan-'));
const weights = readSmallBin('weights.bin');
const first = weights.get('frontend.0.weight')!.data;
const TAIL = 'The file is corrupt, or the training run that saved it diverged: use an earlier checkpoint or download the file again';

async function rejection(run: Promise<unknown>): Promise<CsrnetError> {
  const error = (await run.then(
    () => undefined,
    (e: unknown) => e,
  )) as CsrnetError | undefined;
  expect(error?.name).toBe('CsrnetError');
  return error!;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('NaN and infinite weights are refused on every load path', () => {
  test.each(['legacy', 'legacy-cuda-tagged', 'zip'])('a %s .pth.tar: loadCsrnetFile names the file, the tensor and the element', async (kind) => {
    const path = join(dir, `${kind}-nan.pth.tar`);
    writeFileSync(path, poisonTensor(new Uint8Array(readFileSync(fixture('csrnet', kind, 'model_best.pth.tar'))), first, 5));
    const error = await rejection(loadCsrnetFile(path));
    expect(error.code).toBe('WEIGHTS_NOT_FINITE');
    expect(error.message).toBe(`${path}: frontend.0.weight [8,3,3,3] holds NaN at element 5 (index [0, 0, 1, 2]); 1 of its 216 values are NaN or infinite. ${TAIL}`);
  });

  test('the checkpoint reader itself keeps the values (it is a parser: NaN round-trips), the model refuses them', () => {
    const bytes = poisonTensor(new Uint8Array(readFileSync(fixture('csrnet', 'zip', 'model_best.pth.tar'))), weights.get('backend.4.bias')!.data, 0, -Infinity);
    const checkpoint = readTorchCheckpoint(bytes, 'x.pth');
    expect(checkpoint.stateDict.get('backend.4.bias')!.data[0]).toBe(-Infinity);
    const error = errorOf(() => createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights: checkpoint.stateDict, source: 'x.pth' }));
    expect(error.message).toMatch(/^x\.pth: backend\.4\.bias \[64\] holds -Infinity at element 0 \(index \[0\]\); 1 of its 64 values/);
  });

  test.each([true, false])('a tfjs model (weights checksum recorded: %s) whose weights.bin holds a NaN', async (withChecksum) => {
    const out = join(dir, `tfjs-${withChecksum}`);
    const model = createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights });
    await saveCsrnet(model, fileSystemHandler(out));
    model.dispose();
    const bin = new Uint8Array(readFileSync(join(out, 'weights.bin')));
    new DataView(bin.buffer).setFloat32(4 * 5, Number.NaN, true);
    writeFileSync(join(out, 'weights.bin'), bin);
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    if (withChecksum) json.userDefinedMetadata.csrnet.weightsSha256 = createHash('sha256').update(bin).digest('hex');
    else delete json.userDefinedMetadata.csrnet.weightsSha256;
    writeFileSync(join(out, 'model.json'), JSON.stringify(json));
    const error = await rejection(loadCsrnetFile(out));
    expect(error.code).toBe('WEIGHTS_NOT_FINITE');
    expect(error.message).toBe(`${join(out, 'model.json')}: frontend.0.weight [3,3,3,8] holds NaN at element 5 (index [0, 0, 0, 5]); 1 of its 216 values are NaN or infinite. ${TAIL}`);
  });

  test('a torchvision VGG-16 .pth: the import names the VGG layer', () => {
    const vgg = new Uint8Array(readFileSync(new URL('./fixtures/vgg/vgg16-div32.pth', import.meta.url)));
    const conv21 = expectedFrontend().get('frontend.5.weight')!.data;
    const checkpoint = readTorchCheckpoint(poisonTensor(vgg, conv21, 3, Infinity), 'vgg16.pth');
    const error = errorOf(() => vggFrontendFromTorchvision(checkpoint, 'vgg16.pth'));
    expect(error.code).toBe('WEIGHTS_NOT_FINITE');
    expect(error.message).toMatch(/^vgg16\.pth: features\.5\.weight \(VGG-16 conv2_1, OIHW\) \[4,2,3,3\] holds Infinity at element 3 \(index \[0, 0, 1, 0\]\)/);
  });

  test('loadStateDict (and so optimizer state, which imports the same way) refuses and leaves the model as it was', () => {
    const model = createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights });
    const bad = new Map(weights);
    const bias = Float32Array.from(weights.get('output_layer.bias')!.data);
    bias[0] = Number.NaN;
    bad.set('output_layer.bias', { shape: [1], data: bias });
    expect(errorOf(() => loadStateDict(model, bad, { source: 'resume.json' })).message).toMatch(/^resume\.json: output_layer\.bias \[1\] holds NaN at element 0/);
    expect(stateDict(model).get('output_layer.bias')!.data).toEqual(weights.get('output_layer.bias')!.data);
    model.dispose();
  });
});
