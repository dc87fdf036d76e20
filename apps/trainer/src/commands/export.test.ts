import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { createCsrnet, readCsrnetOnnxMetadata, saveCsrnet } from '@crowd/csrnet';
import { fileSystemHandler, selectBackend } from '@crowd/csrnet/node';
import { fixture, maxDiff, readNpy } from '@crowd/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { crowd } from '../../test/cli.ts';

const CHECKPOINT = fixture('csrnet', 'zip', 'model_best.pth.tar');
const TOLERANCE = 1e-5;
const tempDir = () => mkdtempSync(join(tmpdir(), 'crowd-export-'));

/** Runs an ONNX file in onnxruntime-node (cpu) on one NCHW input. */
async function runOnnxFile(path: string, data: Float32Array, dims: number[]): Promise<{ data: Float32Array; dims: number[] }> {
  const session = await ort.InferenceSession.create(readFileSync(path), { executionProviders: ['cpu'] });
  const { density } = await session.run({ input: new ort.Tensor('float32', data, dims) });
  await session.release();
  return { data: density.data as Float32Array, dims: [...density.dims] };
}


beforeAll(async () => {
  await selectBackend('wasm');
});

describe('crowd export', () => {
  test(".pth.tar → model.onnx (inferred from the name): onnxruntime gives PyTorch's output.npy", async () => {
    const dir = tempDir();
    const out = join(dir, 'model.onnx');
    const run = await crowd(['export', CHECKPOINT, out, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      input: CHECKPOINT,
      format: 'pytorch-zip',
      to: 'onnx',
      variant: 'B',
      widthDivisor: 8,
      parameters: 254_825,
      tensors: 34,
      epoch: 1,
      bestPrec1: expect.any(Number),
      opset: 17,
      files: [{ path: out, bytes: statSync(out).size }],
    });
    // Written atomically: no temp file is left beside it.
    expect(readdirSync(dir)).toEqual(['model.onnx']);
    expect(readCsrnetOnnxMetadata(readFileSync(out), out)).toMatchObject({ config: { variant: 'B', widthDivisor: 8 }, opset: 17, input: 'input', output: 'density' });

    const input = readNpy(fixture('csrnet', 'input.npy'));
    const expected = readNpy(fixture('csrnet', 'output.npy'));
    const density = await runOnnxFile(out, Float32Array.from(input.data), input.shape);
    expect(density.dims).toEqual(expected.shape);
    const { diff, scale } = maxDiff(density.data, expected.data);
    console.log(`[crowd export] ÷8 checkpoint → ONNX vs PyTorch: max |diff| ${diff.toExponential(2)}, max |output| ${scale.toFixed(3)}`);
    expect(diff).toBeLessThanOrEqual(TOLERANCE * scale);
  });

  test('a tfjs model folder with --onnx (any file name): onnxruntime equals tfjs predict at 44×60', async () => {
    const dir = tempDir();
    const model = createCsrnet({ variant: 'C', widthDivisor: 16 }, { kind: 'he', seed: 5 });
    await saveCsrnet(model, fileSystemHandler(join(dir, 'tfjs')));
    const out = join(dir, 'exported', 'csrnet-c.bin');
    const run = await crowd(['export', join(dir, 'tfjs'), out, '--onnx', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ format: 'tfjs', to: 'onnx', variant: 'C', widthDivisor: 16, opset: 17 });
    expect(readCsrnetOnnxMetadata(readFileSync(out), out).config).toEqual(model.config);

    const nhwc = tf.randomNormal([1, 44, 60, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
    const nchw = tf.transpose(nhwc, [0, 3, 1, 2]);
    const reference = model.predict(nhwc);
    const density = await runOnnxFile(out, nchw.dataSync() as Float32Array, [1, 3, 44, 60]);
    expect(density.dims).toEqual([1, 1, 5, 7]);
    const { diff, scale } = maxDiff(density.data, reference.dataSync());
    tf.dispose([nhwc, nchw, reference]);
    model.dispose();
    expect(scale).toBeGreaterThan(0);
    expect(diff).toBeLessThanOrEqual(TOLERANCE * scale);
  });

  test('the text report names the input, model, opset and the file written with its size', async () => {
    const out = join(tempDir(), 'x.ONNX');
    const run = await crowd(['export', fixture('csrnet', 'legacy-cuda-tagged', 'model_best.pth.tar'), out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        `exported ${fixture('csrnet', 'legacy-cuda-tagged', 'model_best.pth.tar')}`,
        '  from   PyTorch checkpoint, legacy format (torch < 1.6); epoch 1, best_prec1 123.456',
        '  model  CSRNet variant B, width ÷8: 254,825 parameters in 34 tensors',
        '  onnx   opset 17, input "input" [batch, 3, height, width] → output "density"',
        `  wrote  ${out} (${statSync(out).size.toLocaleString('en-US')} bytes)`,
        '',
      ].join('\n'),
    );
  });

  test('--variant applies to a checkpoint and is recorded in the ONNX metadata', async () => {
    const out = join(tempDir(), 'd.onnx');
    expect((await crowd(['export', CHECKPOINT, out, '--variant', 'D'])).code).toBe(0);
    expect(readCsrnetOnnxMetadata(readFileSync(out)).config.variant).toBe('D');
  });

  test.each([
    ['a folder name', []],
    ['--format tfjs', ['--format', 'tfjs']],
  ])('%s writes a tfjs model, the same files as crowd convert', async (_, flags) => {
    const out = join(tempDir(), 'model');
    const run = await crowd(['export', CHECKPOINT, out, ...flags, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ to: 'tfjs', files: [{ path: join(out, 'model.json') }, { path: join(out, 'weights.bin') }] });
    expect(readdirSync(out).sort()).toEqual(['model.json', 'weights.bin']);
    const converted = join(tempDir(), 'converted');
    expect((await crowd(['convert', CHECKPOINT, converted])).code).toBe(0);
    expect(readFileSync(join(out, 'weights.bin')).equals(readFileSync(join(converted, 'weights.bin')))).toBe(true);
  });

  test('an HTML page saved as .pth.tar is a clear error naming the file (exit 2); nothing is written', async () => {
    const dir = tempDir();
    const html = join(dir, 'PartAmodel_best.pth.tar');
    writeFileSync(html, '<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title></head><body>…</body></html>');
    const run = await crowd(['export', html, join(dir, 'model.onnx')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`crowd: ${html}: this looks like an HTML page, not a PyTorch checkpoint`);
    expect(run.stdout).toBe('');
    expect(readdirSync(dir)).toEqual(['PartAmodel_best.pth.tar']);
  });

  test('a missing weights file, an existing folder as the .onnx path and conflicting formats exit 2 with a message', async () => {
    const dir = tempDir();
    const missing = await crowd(['export', join(dir, 'nope.pth'), join(dir, 'model.onnx')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`crowd: ${join(dir, 'nope.pth')}: cannot read weights`);

    mkdirSync(join(dir, 'taken.onnx'));
    const folder = await crowd(['export', CHECKPOINT, join(dir, 'taken.onnx')]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe(`crowd: ${join(dir, 'taken.onnx')}: is a folder; give the path of the .onnx file to write\n`);

    const conflict = await crowd(['export', CHECKPOINT, join(dir, 'm.onnx'), '--onnx', '--format', 'tfjs']);
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toContain('--onnx means --format onnx; it cannot go with --format tfjs');
    expect(readdirSync(dir).sort()).toEqual(['taken.onnx']);
  });

  test('an unknown --format is a usage error (exit 1) listing the choices', async () => {
    const run = await crowd(['export', CHECKPOINT, 'out.pb', '--format', 'tflite']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Allowed choices are onnx, tfjs");
  });

  test('--help documents the arguments and options', async () => {
    const run = await crowd(['export', '--help']);
    expect(run.code).toBe(0);
    for (const text of ['<weights>', '<out>', '--format <onnx|tfjs>', '--onnx', '--variant', '--json']) expect(run.stdout).toContain(text);
  });
});
