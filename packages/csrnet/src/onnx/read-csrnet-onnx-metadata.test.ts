import { readFileSync } from 'node:fs';
import { fixture } from '@crowd/test-utils';
import { describe, expect, test } from 'vitest';
import { csrnetParameterSpecs } from '../architecture.ts';
import { resolveCsrnetConfig, type CsrnetConfig } from '../config.ts';
import type { NamedTensors } from '../named-tensors.ts';
import { errorOf } from '../../test/csrnet-error.ts';
import { onnxSession } from '../../test/onnx.ts';
import { csrnetToOnnx } from './csrnet-to-onnx.ts';
import { MODEL_PROTO } from './onnx-proto.ts';
import { readCsrnetOnnxMetadata } from './read-csrnet-onnx-metadata.ts';

function zeroWeights(config: CsrnetConfig): NamedTensors {
  return new Map(csrnetParameterSpecs(resolveCsrnetConfig(config)).map(({ name, shape }) => [name, { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) }]));
}

const CONFIG: CsrnetConfig = {
  variant: 'D',
  widthDivisor: 32,
  backend: [512, 256, 64],
  normalization: { mean: [0.5, 0.25, 0.125], std: [0.2, 0.3, 0.4], inputScale: 1 / 255 },
};
const OURS = csrnetToOnnx(CONFIG, zeroWeights(CONFIG));

/**
 * A valid ONNX model from another tool: one Relu, producer 'pytorch' 2.1.0
 * and a metadata entry of its own.
 */
const FOREIGN = MODEL_PROTO.encode({
  ir_version: 8,
  opset_import: [{ domain: '', version: 17 }],
  producer_name: 'pytorch',
  producer_version: '2.1.0',
  metadata_props: [{ key: 'author', value: 'someone' }],
  graph: {
    name: 'main_graph',
    node: [{ name: 'relu', op_type: 'Relu', input: ['x'], output: ['y'] }],
    input: [{ name: 'x', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 2 }] } } } }],
    output: [{ name: 'y', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 2 }] } } } }],
  },
}).finish();

describe('readCsrnetOnnxMetadata', () => {
  test('round-trips the resolved config (variant, width, back end, normalisation), opset, IR version and names', () => {
    expect(readCsrnetOnnxMetadata(OURS, 'model.onnx')).toEqual({
      format: 'csrnet-onnx',
      version: 1,
      config: resolveCsrnetConfig(CONFIG),
      opset: 17,
      irVersion: 8,
      input: 'input',
      output: 'density',
    });
  });

  test('the defaults round-trip too: variant B, width ÷1, ImageNet normalisation', () => {
    const bytes = csrnetToOnnx({ widthDivisor: 64 }, zeroWeights({ widthDivisor: 64 }));
    expect(readCsrnetOnnxMetadata(bytes).config).toEqual(resolveCsrnetConfig({ widthDivisor: 64 }));
  });

  test.each([
    ['an HTML page', 'page.onnx', new TextEncoder().encode('<!DOCTYPE html><html><body>Sign in</body></html>'), 'this looks like an HTML page, not an ONNX model'],
    ['a PNG image', 'input_image.png', new Uint8Array(readFileSync(fixture('csrnet', 'input_image.png'))), 'this is not an ONNX model: it starts with bytes 89 50 4e 47'],
    ['a tfjs model.json', 'model.json', new TextEncoder().encode('{"format":"csrnet-tfjs"}'), 'this is a JSON document, not an ONNX model'],
    ['a PyTorch checkpoint', 'model_best.pth.tar', new Uint8Array(readFileSync(fixture('csrnet', 'zip', 'model_best.pth.tar'))), 'this is not an ONNX model'],
    ['an empty file', 'empty.onnx', new Uint8Array(0), 'the file is empty (0 bytes)'],
    ['the first half of one of ours', 'half.onnx', OURS.subarray(0, OURS.length >> 1), 'this looks like a truncated or corrupt ONNX model'],
  ])('%s is an ONNX_FORMAT error naming the file', (_, name, bytes, message) => {
    const error = errorOf(() => readCsrnetOnnxMetadata(bytes, name));
    expect(error.code).toBe('ONNX_FORMAT');
    expect(error.file).toBe(name);
    expect(error.message).toContain(`${name}: ${message}`);
  });

  test('a valid ONNX model from another producer is refused, naming the file, producer and its metadata keys', async () => {
    // onnxruntime runs it: it is refused for not being ours, not for not being ONNX.
    await (await onnxSession(FOREIGN)).release();
    const error = errorOf(() => readCsrnetOnnxMetadata(FOREIGN, 'resnet.onnx'));
    expect(error.code).toBe('ONNX_FORMAT');
    expect(error.message).toBe(
      'resnet.onnx: expected a CSRNet ONNX model written by crowd (metadata_props key "crowd.csrnet"), found an ONNX model from pytorch 2.1.0 without it (metadata keys: "author")',
    );
  });

  function withMetadata(value: string): Uint8Array {
    const model = MODEL_PROTO.decode(OURS) as unknown as { metadata_props: Array<{ key: string; value: string }> };
    model.metadata_props = [{ key: 'crowd.csrnet', value }];
    return MODEL_PROTO.encode(model).finish();
  }

  test.each([
    ['another version', '{"format":"csrnet-onnx","version":2,"config":{}}', 'expected csrnet-onnx version 1 metadata, found "csrnet-onnx" version 2'],
    ['an invalid config', '{"format":"csrnet-onnx","version":1,"config":{"variant":"E"}}', "invalid crowd.csrnet config: variant: expected 'A', 'B', 'C' or 'D', got \"E\""],
    ['not JSON', 'variant B', 'metadata_props "crowd.csrnet" is not JSON'],
  ])('metadata of %s is refused', (_, value, message) => {
    const error = errorOf(() => readCsrnetOnnxMetadata(withMetadata(value), 'odd.onnx'));
    expect(error.code).toBe('ONNX_FORMAT');
    expect(error.message).toContain(`odd.onnx: ${message}`);
  });
});
