import { formulaWeights } from '@crowd/test-utils';
import type { InferenceSession } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { csrnetParameterSpecs } from '../architecture.ts';
import { resolveCsrnetConfig, type CsrnetConfig } from '../config.ts';
import { createCsrnet, type CsrnetModel } from '../model.ts';
import type { NamedTensors } from '../named-tensors.ts';
import { useBackend } from '../../test/backends.ts';
import { errorOf } from '../../test/csrnet-error.ts';
import { maxDiff, npyFloat32, readSmallBin } from '../../test/fixtures.ts';
import { onnxSession, randomNchw, runOnnx, tfjsDensity } from '../../test/onnx.ts';
import { CSRNET_ONNX_IR_VERSION, CSRNET_ONNX_METADATA_KEY, CSRNET_ONNX_OPSET } from './csrnet-onnx-format.ts';
import { csrnetToOnnx } from './csrnet-to-onnx.ts';
import { MODEL_PROTO } from './onnx-proto.ts';

/** ONNX vs PyTorch and vs tfjs: float32 with another summation order, so a relative bound. */
const TOLERANCE = 1e-5;

interface Case {
  title: string;
  fixture: string;
  config: CsrnetConfig;
  weights: () => NamedTensors;
  /** A second input size for the dynamic-shape test; not a multiple of 8. */
  odd: [number, number];
}

const CASES: Case[] = [
  { title: '÷8 fixture model', fixture: 'csrnet', config: { widthDivisor: 8 }, weights: () => readSmallBin('weights.bin'), odd: [45, 70] },
  // 65 MB of weights: built and exported once for the file.
  { title: 'full-width formula model', fixture: 'csrnet-full-formula', config: {}, weights: formulaWeights, odd: [53, 67] },
];

describe.each(CASES)('$title', ({ title, fixture, config, weights: makeWeights, odd }) => {
  let bytes: Uint8Array;
  let session: InferenceSession;
  let model: CsrnetModel;

  beforeAll(async () => {
    await useBackend('wasm');
    const weights = makeWeights();
    bytes = csrnetToOnnx(config, weights, { source: fixture });
    console.log(`[onnx] ${title}: exported, ${bytes.length.toLocaleString('en-US')} bytes`);
    session = await onnxSession(bytes);
    model = createCsrnet(config, { kind: 'weights', weights, source: fixture });
  }, 120_000);
  afterAll(async () => {
    await session?.release();
    model?.dispose();
  });

  test(`PyTorch's output.npy within ${TOLERANCE} × max|output| (onnxruntime-node, cpu)`, async () => {
    const input = npyFloat32(fixture, 'input.npy');
    const expected = npyFloat32(fixture, 'output.npy');
    const out = await runOnnx(session, input.data, input.shape);
    expect(out.dims).toEqual(expected.shape);
    const { diff, scale } = maxDiff(out.data, expected.data);
    console.log(`[onnx] ${title} vs PyTorch ${input.shape.slice(2).join('×')}: max |diff| ${diff.toExponential(2)}, max |output| ${scale.toFixed(3)}`);
    expect(diff).toBeLessThanOrEqual(TOLERANCE * scale);
  });

  test('one session, two input sizes and batch 2: ⌊H/8⌋ × ⌊W/8⌋ maps equal to tfjs wasm predict', async () => {
    const sizes: Array<[number, number, number]> = [[1, 64, 96], [2, ...odd]];
    for (const [n, h, w] of sizes) {
      const dims = [n, 3, h, w];
      const input = randomNchw(n, h, w, h * w);
      const ours = await runOnnx(session, input, dims);
      const reference = tfjsDensity(model, input, dims);
      expect(ours.dims).toEqual([n, 1, Math.floor(h / 8), Math.floor(w / 8)]);
      expect(reference.dims).toEqual(ours.dims);
      const { diff, scale } = maxDiff(ours.data, reference.data);
      console.log(`[onnx] ${title} vs tfjs wasm, ${n}×3×${h}×${w}: max |diff| ${diff.toExponential(2)}, max |output| ${scale.toFixed(3)}`);
      expect(scale).toBeGreaterThan(0);
      expect(diff).toBeLessThanOrEqual(TOLERANCE * scale);
    }
  });
});

describe('the graph', () => {
  const config = resolveCsrnetConfig({ widthDivisor: 16, variant: 'C' });
  const weights: NamedTensors = new Map(
    csrnetParameterSpecs(config).map(({ name, shape }) => [name, { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) }]),
  );
  const model = MODEL_PROTO.toObject(MODEL_PROTO.decode(csrnetToOnnx(config, weights)), { longs: Number, bytes: Array }) as {
    ir_version: number;
    producer_name: string;
    opset_import: Array<{ domain?: string; version: number }>;
    metadata_props: Array<{ key: string; value: string }>;
    graph: {
      node: Array<{ name: string; op_type: string; input: string[]; output: string[]; attribute?: Array<{ name: string; ints: number[] }> }>;
      initializer: Array<{ name: string; dims: number[]; data_type: number; raw_data: number[] }>;
      input: Array<{ name: string; type: { tensor_type: { elem_type: number; shape: { dim: Array<{ dim_param?: string; dim_value?: number }> } } } }>;
      output: Array<{ name: string }>;
    };
  };
  const attributes = (node: (typeof model.graph.node)[number]) => Object.fromEntries((node.attribute ?? []).map((a) => [a.name, a.ints]));

  test(`opset ${CSRNET_ONNX_OPSET}, IR ${CSRNET_ONNX_IR_VERSION}, producer 'crowd', the config under '${CSRNET_ONNX_METADATA_KEY}'`, () => {
    expect(model.ir_version).toBe(8);
    expect(model.opset_import).toEqual([{ domain: '', version: 17 }]);
    expect(model.producer_name).toBe('crowd');
    expect(model.metadata_props.map((p) => p.key)).toEqual(['crowd.csrnet']);
    expect(JSON.parse(model.metadata_props[0].value)).toEqual({ format: 'csrnet-onnx', version: 1, config: JSON.parse(JSON.stringify(config)) });
  });

  test('input [batch, 3, height, width] with symbolic dims; 17 Conv, 16 Relu, 3 MaxPool; the head writes density', () => {
    const [input] = model.graph.input;
    expect(input.name).toBe('input');
    expect(input.type.tensor_type.elem_type).toBe(1);
    expect(input.type.tensor_type.shape.dim).toEqual([{ dim_param: 'batch' }, { dim_value: 3 }, { dim_param: 'height' }, { dim_param: 'width' }]);
    expect(model.graph.output.map((o) => o.name)).toEqual(['density']);
    const ops = model.graph.node.map((n) => n.op_type);
    expect(ops.filter((o) => o === 'Conv')).toHaveLength(17);
    expect(ops.filter((o) => o === 'Relu')).toHaveLength(16);
    expect(ops.filter((o) => o === 'MaxPool')).toHaveLength(3);
    expect(ops.slice(0, 5)).toEqual(['Conv', 'Relu', 'Conv', 'Relu', 'MaxPool']);
    const head = model.graph.node.at(-1)!;
    expect(head).toMatchObject({ name: 'output_layer', op_type: 'Conv', input: ['backend.10.relu', 'output_layer.weight', 'output_layer.bias'], output: ['density'] });
    expect(attributes(head)).toEqual({ kernel_shape: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], strides: [1, 1] });
  });

  test("variant C's dilations 2,2,2,4,4,4 with pads equal to them; pools 2×2 stride 2", () => {
    const backend = model.graph.node.filter((n) => n.op_type === 'Conv' && n.name.startsWith('backend.'));
    expect(backend.map((n) => attributes(n).dilations)).toEqual([[2, 2], [2, 2], [2, 2], [4, 4], [4, 4], [4, 4]]);
    expect(backend.map((n) => attributes(n).pads)).toEqual([[2, 2, 2, 2], [2, 2, 2, 2], [2, 2, 2, 2], [4, 4, 4, 4], [4, 4, 4, 4], [4, 4, 4, 4]]);
    for (const pool of model.graph.node.filter((n) => n.op_type === 'MaxPool')) expect(attributes(pool)).toEqual({ kernel_shape: [2, 2], strides: [2, 2] });
  });

  test('initializers: every state_dict tensor, OIHW dims, float32 raw_data of 4 bytes per value', () => {
    const specs = csrnetParameterSpecs(config);
    expect(model.graph.initializer.map((t) => [t.name, t.dims])).toEqual(specs.map((s) => [s.name, s.shape]));
    for (const t of model.graph.initializer) {
      expect(t.data_type).toBe(1);
      expect(t.raw_data.length).toBe(4 * t.dims.reduce((a, b) => a * b, 1));
    }
  });
});

test('weights that do not fit the config are a WEIGHTS_MISMATCH naming the source and each tensor', () => {
  const weights = readSmallBin('weights.bin');
  const error = errorOf(() => csrnetToOnnx({ widthDivisor: 4 }, weights, { source: 'small.bin' }));
  expect(error.code).toBe('WEIGHTS_MISMATCH');
  expect(error.file).toBe('small.bin');
  expect(error.message).toContain('expected frontend.0.weight [16,3,3,3], found [8,3,3,3]');
  weights.delete('output_layer.bias');
  expect(errorOf(() => csrnetToOnnx({ widthDivisor: 8 }, weights)).message).toContain('missing output_layer.bias [1]');
});
