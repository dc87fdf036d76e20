import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csrnetModelToOnnx, largestSquareTile, resolveCsrnetConfig, setDeviceGuard } from '@crowd/csrnet';
import { loadCsrnetFile, selectBackend } from '@crowd/csrnet/node';
import { readImageRGB } from '@crowd/datasets/node';
import { fixture, readNpy } from '@crowd/test-utils';
import { describe, expect, test } from 'vitest';
import { densitySum } from '../density-map.ts';
import { CountError } from '../errors.ts';
import { createCounter } from './create-counter.ts';

const CHECKPOINT = fixture('csrnet', 'zip', 'model_best.pth.tar');
const reference = readNpy(fixture('csrnet', 'output.npy'));
const maxAbs = Math.max(...Array.from(reference.data, Math.abs));

async function expectPyTorchDensity(weights: string, options: Parameters<typeof createCounter>[0] = { weights }) {
  const counter = await createCounter({ ...options, weights });
  try {
    const image = await readImageRGB(fixture('csrnet', 'input_image.png'));
    const result = await counter.count(image);
    expect([result.density.height, result.density.width]).toEqual([8, 12]);
    let diff = 0;
    for (let i = 0; i < reference.data.length; i++) diff = Math.max(diff, Math.abs(result.density.data[i] - reference.data[i]));
    expect(diff).toBeLessThanOrEqual(1e-5 * maxAbs);
    expect(result.count).toBeCloseTo(densitySum(reference.data), 4);
    return counter;
  } finally {
    await counter.dispose();
  }
}

describe('createCounter in Node', () => {
  test("auto: onnxruntime-node (installed in the workspace) on the cpu provider, PyTorch's density from a .pth.tar", async () => {
    const counter = await expectPyTorchDensity(CHECKPOINT);
    expect(counter.engine).toBe('onnxruntime-node (cpu)');
    expect(counter.tried).toEqual([]);
  });

  test('an .onnx written by the exporter runs directly, with the normalisation its metadata records', async () => {
    await selectBackend('cpu');
    const { model } = await loadCsrnetFile(CHECKPOINT);
    const file = join(mkdtempSync(join(tmpdir(), 'crowd-counter-')), 'model.onnx');
    writeFileSync(file, csrnetModelToOnnx(model));
    model.dispose();
    expect((await expectPyTorchDensity(file)).engine).toBe('onnxruntime-node (cpu)');
  });

  test('a tfjs backend other than auto, or engine tfjs, counts on tfjs', async () => {
    expect((await expectPyTorchDensity(CHECKPOINT, { weights: CHECKPOINT, backend: 'wasm' })).engine).toBe('tfjs (wasm)');
    expect((await expectPyTorchDensity(CHECKPOINT, { weights: CHECKPOINT, engine: 'tfjs', backend: 'wasm' })).engine).toBe('tfjs (wasm)');
  });

  test('an execution provider that cannot start is skipped with its reason; none at all is ENGINE_UNAVAILABLE', async () => {
    const counter = await expectPyTorchDensity(CHECKPOINT, { weights: CHECKPOINT, executionProviders: ['no-such-provider', 'cpu'] });
    expect(counter.engine).toBe('onnxruntime-node (cpu)');
    const error = await createCounter({ weights: CHECKPOINT, executionProviders: ['no-such-provider'] }).catch((e) => e);
    expect(error).toBeInstanceOf(CountError);
    expect(error.code).toBe('ENGINE_UNAVAILABLE');
    expect(error.message).toContain('could not start the model on any execution provider (tried no-such-provider: ');
  });

  test('an .onnx model on tfjs, an unknown engine, and a missing file are clear errors', async () => {
    await expect(createCounter({ weights: 'model.onnx', engine: 'tfjs' })).rejects.toThrow('model.onnx: an .onnx model runs on the onnxruntime engine only');
    await expect(createCounter({ weights: CHECKPOINT, engine: 'torch' as never })).rejects.toThrow("engine: expected 'auto', 'onnxruntime' or 'tfjs', got \"torch\"");
    await expect(createCounter({ weights: '/nonexistent/m.onnx' })).rejects.toThrow('/nonexistent/m.onnx: cannot read the ONNX model');
    await expect(createCounter({ weights: '/nonexistent/m.pth.tar' })).rejects.toThrow('/nonexistent/m.pth.tar: cannot read weights');
  });
});

test("on a GPU backend images larger than the device's buffer limit are counted in tiles that fit it", async () => {
  const image = await readImageRGB(fixture('shanghaitech-mini', 'part_A', 'test_data', 'images', 'IMG_2.jpg'));
  const plain = await createCounter({ weights: CHECKPOINT, backend: 'wasm' });
  const untiled = await plain.count(image);
  await plain.dispose();
  expect(untiled.tiles).toBe(1);
  // The guard the webgpu loader installs, here with a 3 MiB storage-buffer limit on the active (wasm) backend.
  const limits = { maxStorageBufferBindingSize: 3 << 20, maxBufferSize: 1 << 30 };
  setDeviceGuard({ backend: 'wasm', limits, convOptions: () => ({}), throwIfFailed: () => {} });
  try {
    const counter = await createCounter({ weights: CHECKPOINT, backend: 'wasm' });
    const side = largestSquareTile(resolveCsrnetConfig({ widthDivisor: 8 }), limits);
    const result = await counter.count(image);
    await counter.dispose();
    // 400×300 in 312-px tiles (5 columns: each advances 39 − 2·18 cells), each within the limit (the guard would throw otherwise); with the default margin, the untiled map.
    expect(side).toBe(312);
    expect(result.tiles).toBe(5);
    expect(result.count).toBeCloseTo(untiled.count, 4);
  } finally {
    setDeviceGuard(undefined);
  }
});
