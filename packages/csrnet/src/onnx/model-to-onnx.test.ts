import { readFileSync } from 'node:fs';
import { fixture } from '@crowd/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import type { CsrnetVariant } from '../config.ts';
import { createCsrnet } from '../model.ts';
import { loadStateDict } from '../state-dict.ts';
import { readTorchCheckpoint } from '../torch/checkpoint.ts';
import { useBackend } from '../../test/backends.ts';
import { errorOf } from '../../test/csrnet-error.ts';
import { maxDiff, npyFloat32, readSmallBin } from '../../test/fixtures.ts';
import { onnxSession, randomNchw, runOnnx, tfjsDensity } from '../../test/onnx.ts';
import { csrnetCheckpointToOnnx, csrnetModelToOnnx } from './model-to-onnx.ts';
import { readCsrnetOnnxMetadata } from './read-csrnet-onnx-metadata.ts';

const TOLERANCE = 1e-5;

beforeAll(() => useBackend('wasm'));

const VARIANTS: CsrnetVariant[] = ['A', 'B', 'C', 'D'];
const GRID = VARIANTS.flatMap((variant) => [8, 16, 64].map((widthDivisor) => ({ variant, widthDivisor })));

describe('csrnetModelToOnnx: onnxruntime equals tfjs wasm predict', () => {
  test.each(GRID)('variant $variant, width ÷$widthDivisor (He init), 1×3×40×56', async ({ variant, widthDivisor }) => {
    const model = createCsrnet({ variant, widthDivisor }, { kind: 'he', seed: widthDivisor });
    const session = await onnxSession(csrnetModelToOnnx(model));
    const dims = [1, 3, 40, 56];
    const input = randomNchw(1, 40, 56, 7);
    const ours = await runOnnx(session, input, dims);
    const reference = tfjsDensity(model, input, dims);
    await session.release();
    model.dispose();
    expect(ours.dims).toEqual([1, 1, 5, 7]);
    const { diff, scale } = maxDiff(ours.data, reference.data);
    console.log(`[onnx] variant ${variant} ÷${widthDivisor} vs tfjs wasm: max |diff| ${diff.toExponential(2)}, max |output| ${scale.toExponential(2)}`);
    expect(scale).toBeGreaterThan(0);
    expect(diff).toBeLessThanOrEqual(TOLERANCE * scale);
  });

  test("the model's current variables are exported, not the ones it was created with", async () => {
    const model = createCsrnet({ widthDivisor: 8 }, { kind: 'reference', seed: 3 });
    loadStateDict(model, readSmallBin('weights.bin'));
    const session = await onnxSession(csrnetModelToOnnx(model));
    model.dispose();
    const input = npyFloat32('csrnet', 'input.npy');
    const { diff, scale } = maxDiff((await runOnnx(session, input.data, input.shape)).data, npyFloat32('csrnet', 'output.npy').data);
    await session.release();
    expect(diff).toBeLessThanOrEqual(TOLERANCE * scale);
  });
});

describe('csrnetCheckpointToOnnx', () => {
  const input = npyFloat32('csrnet', 'input.npy');
  const expected = npyFloat32('csrnet', 'output.npy');

  test.each(['legacy', 'zip'])("%s .pth.tar → ONNX → PyTorch's output.npy", async (kind) => {
    const path = fixture('csrnet', kind, 'model_best.pth.tar');
    const bytes = csrnetCheckpointToOnnx(readTorchCheckpoint(new Uint8Array(readFileSync(path)), path), path);
    expect(readCsrnetOnnxMetadata(bytes).config).toMatchObject({ variant: 'B', widthDivisor: 8 });
    const session = await onnxSession(bytes);
    const out = await runOnnx(session, input.data, input.shape);
    await session.release();
    const { diff, scale } = maxDiff(out.data, expected.data);
    console.log(`[onnx] ${kind} checkpoint vs PyTorch: max |diff| ${diff.toExponential(2)}, max |output| ${scale.toFixed(3)}`);
    expect(diff).toBeLessThanOrEqual(TOLERANCE * scale);
  });

  test('the variant comes from the config, the width from the weights', () => {
    const path = fixture('csrnet', 'zip', 'model_best.pth.tar');
    const bytes = csrnetCheckpointToOnnx(readTorchCheckpoint(new Uint8Array(readFileSync(path)), path), path, { variant: 'D' });
    expect(readCsrnetOnnxMetadata(bytes).config).toMatchObject({ variant: 'D', widthDivisor: 8 });
  });

  test('a state_dict that is not CSRNet is a WEIGHTS_MISMATCH naming the file', () => {
    const checkpoint = readTorchCheckpoint(new Uint8Array(readFileSync(fixture('csrnet', 'zip', 'model_best.pth.tar'))), 'x.pth');
    checkpoint.stateDict.delete('frontend.0.weight');
    const error = errorOf(() => csrnetCheckpointToOnnx(checkpoint, 'x.pth'));
    expect(error.code).toBe('WEIGHTS_MISMATCH');
    expect(error.message).toMatch(/^x\.pth: expected a CSRNet state_dict with frontend\.0\.weight/);
  });
});
