import { csrnetLayers, csrnetParameterSpecs } from '../architecture.js';
import { resolveCsrnetConfig, type CsrnetConfig, type ResolvedCsrnetConfig } from '../config.js';
import type { NamedTensors } from '../named-tensors.js';
import { checkParameters } from '../parameter-match.js';
import {
  CSRNET_ONNX_FORMAT,
  CSRNET_ONNX_INPUT,
  CSRNET_ONNX_IR_VERSION,
  CSRNET_ONNX_METADATA_KEY,
  CSRNET_ONNX_OPSET,
  CSRNET_ONNX_OUTPUT,
  CSRNET_ONNX_PRODUCER,
  CSRNET_ONNX_VERSION,
  type CsrnetOnnxMetadataJson,
} from './csrnet-onnx-format.js';
import { MODEL_PROTO, ONNX_ATTRIBUTE, ONNX_FLOAT } from './onnx-proto.js';

export interface CsrnetToOnnxOptions {
  /** Names the weights' origin (a file) in error messages. */
  source?: string;
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** ONNX raw_data is little-endian IEEE 754; on a little-endian host that is the array's own bytes, uncopied. */
function littleEndianBytes(data: Float32Array): Uint8Array {
  if (HOST_IS_LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
  return out;
}

const ints = (name: string, values: number[]) => ({ name, type: ONNX_ATTRIBUTE.INTS, ints: values });

/** A tensor type with symbolic (string) or fixed (number) dimensions. */
function tensorValue(name: string, dims: Array<string | number>) {
  const dim = dims.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d }));
  return { name, type: { tensor_type: { elem_type: ONNX_FLOAT, shape: { dim } } } };
}

/** The graph's nodes: Conv (+ Relu) per conv layer and MaxPool per pool, in execution order. */
function graphNodes(config: ResolvedCsrnetConfig) {
  const nodes = [];
  let x = CSRNET_ONNX_INPUT;
  let pools = 0;
  for (const layer of csrnetLayers(config)) {
    if (layer.kind === 'pool') {
      const out = `pool${++pools}`;
      // ceil_mode defaults to 0: odd sizes floor, as PyTorch's MaxPool2d(2, 2).
      nodes.push({ name: out, op_type: 'MaxPool', input: [x], output: [out], attribute: [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])] });
      x = out;
      continue;
    }
    const { name, kernelSize: k, dilation: d } = layer;
    // 'same' padding for an odd kernel: d for a 3×3, 0 for the 1×1 head.
    const pad = (d * (k - 1)) / 2;
    const out = layer.relu ? name : CSRNET_ONNX_OUTPUT;
    nodes.push({
      name,
      op_type: 'Conv',
      input: [x, `${name}.weight`, `${name}.bias`],
      output: [out],
      attribute: [ints('kernel_shape', [k, k]), ints('dilations', [d, d]), ints('pads', [pad, pad, pad, pad]), ints('strides', [1, 1])],
    });
    x = out;
    if (layer.relu) {
      nodes.push({ name: `${name}.relu`, op_type: 'Relu', input: [x], output: [`${name}.relu`] });
      x = `${name}.relu`;
    }
  }
  return nodes;
}

/** What Netron and other viewers show as the model's description. */
function describeModel(config: ResolvedCsrnetConfig, parameters: number): string {
  const { mean, std, inputScale } = config.normalization;
  const stride = 2 ** config.frontend.filter((item) => item === 'M').length;
  const scaled = Number.isInteger(1 / inputScale) ? `v / ${1 / inputScale}` : `v · ${inputScale}`;
  return [
    `CSRNet variant ${config.variant}, width ÷${config.widthDivisor} (${parameters} parameters), written by @crowd/csrnet.`,
    `Input '${CSRNET_ONNX_INPUT}': float32 [batch, 3, height, width], RGB, each channel (${scaled} − mean) / std for 8-bit v, mean [${mean.join(', ')}], std [${std.join(', ')}].`,
    `Output '${CSRNET_ONNX_OUTPUT}': float32 density map [batch, 1, ⌊height/${stride}⌋, ⌊width/${stride}⌋]; its sum is the count.`,
    `metadata_props '${CSRNET_ONNX_METADATA_KEY}' holds the configuration as JSON.`,
  ].join('\n');
}

/**
 * Writes CSRNet as a standard ONNX model (`ModelProto` bytes, opset
 * {@link CSRNET_ONNX_OPSET}) from its configuration and state_dict-form
 * weights (`NamedTensors`, OIHW conv weights, which is ONNX's Conv layout).
 *
 * The graph takes `input`, float32 `[batch, 3, height, width]` (normalised
 * RGB, NCHW; batch, height and width symbolic, so any size runs), and gives
 * `density`, `[batch, 1, ⌊height/8⌋, ⌊width/8⌋]`. Each conv is an ONNX `Conv`
 * (stride 1, padding = dilation for 3×3) followed by `Relu`, except the 1×1
 * head; each pool a 2×2 stride-2 `MaxPool` that floors. Weights are float32
 * little-endian `raw_data` initializers named as in the state_dict.
 * `metadata_props` holds the resolved config under
 * {@link CSRNET_ONNX_METADATA_KEY}; `readCsrnetOnnxMetadata` reads it back.
 *
 * Weights that do not fit `config` are one `CsrnetError('WEIGHTS_MISMATCH')`
 * listing every missing, unexpected and mis-shaped tensor.
 */
export function csrnetToOnnx(config: CsrnetConfig, weights: NamedTensors, options: CsrnetToOnnxOptions = {}): Uint8Array {
  const resolved = resolveCsrnetConfig(config);
  const specs = csrnetParameterSpecs(resolved);
  checkParameters(specs, weights, 'OIHW', options.source);
  const initializer = specs.map(({ name, shape }) => ({ name, dims: shape, data_type: ONNX_FLOAT, raw_data: littleEndianBytes(weights.get(name)!.data) }));
  const parameters = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  const metadata: CsrnetOnnxMetadataJson = { format: CSRNET_ONNX_FORMAT, version: CSRNET_ONNX_VERSION, config: resolved };
  const bytes = MODEL_PROTO.encode({
    ir_version: CSRNET_ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: CSRNET_ONNX_OPSET }],
    producer_name: CSRNET_ONNX_PRODUCER,
    doc_string: describeModel(resolved, parameters),
    metadata_props: [{ key: CSRNET_ONNX_METADATA_KEY, value: JSON.stringify(metadata) }],
    graph: {
      name: 'csrnet',
      node: graphNodes(resolved),
      initializer,
      input: [tensorValue(CSRNET_ONNX_INPUT, ['batch', 3, 'height', 'width'])],
      output: [tensorValue(CSRNET_ONNX_OUTPUT, ['batch', 1, 'density_height', 'density_width'])],
    },
  }).finish();
  // protobufjs hands back a Node Buffer where there is one; callers get a plain Uint8Array (same bytes, no copy).
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
