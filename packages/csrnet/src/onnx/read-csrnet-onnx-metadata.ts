import { resolveCsrnetConfig, type ResolvedCsrnetConfig } from '../config.js';
import { CsrnetError } from '../errors.js';
import { describeUnexpectedFile } from '../torch/sniff.js';
import {
  CSRNET_ONNX_FORMAT,
  CSRNET_ONNX_METADATA_KEY,
  CSRNET_ONNX_PRODUCER,
  CSRNET_ONNX_VERSION,
  type CsrnetOnnxMetadata,
} from './csrnet-onnx-format.js';
import { MODEL_PROTO_HEADER } from './onnx-proto.js';

/** The decoded header, as protobufjs's `toObject` gives it (absent fields left out). */
interface ModelHeader {
  ir_version?: number;
  producer_name?: string;
  producer_version?: string;
  opset_import?: Array<{ domain?: string; version?: number }>;
  metadata_props?: Array<{ key?: string; value?: string }>;
  graph?: { input?: Array<{ name?: string }>; output?: Array<{ name?: string }> };
}

const notOnnx = (bytes: Uint8Array, source: string | undefined, cause?: unknown) =>
  new CsrnetError('ONNX_FORMAT', source, describeUnexpectedFile(bytes, 'an ONNX model'), { cause });

function decodeHeader(bytes: Uint8Array, source: string | undefined): ModelHeader {
  let header: ModelHeader;
  try {
    header = MODEL_PROTO_HEADER.toObject(MODEL_PROTO_HEADER.decode(bytes), { longs: Number }) as ModelHeader;
  } catch (error) {
    // Every ONNX writer puts ir_version (field 1, varint: tag 0x08) first, so such bytes are an ONNX model cut short.
    if (bytes[0] === 0x08) throw new CsrnetError('ONNX_FORMAT', source, `this looks like a truncated or corrupt ONNX model (${(error as Error).message}); write or download it again`, { cause: error });
    throw notOnnx(bytes, source, error);
  }
  // Arbitrary bytes can happen to parse as protobuf: a real ModelProto has an IR version, an opset and a graph.
  const valid = Number.isInteger(header.ir_version) && header.ir_version! > 0 && (header.opset_import?.length ?? 0) > 0 && header.graph !== undefined;
  if (!valid) throw notOnnx(bytes, source);
  return header;
}

/**
 * Reads what a CSRNet ONNX model written by `csrnetToOnnx` says about itself
 * (its config, input normalisation included, the opset and the graph's input
 * and output names) without decoding the weights. `source` names the file in
 * errors.
 *
 * Throws `CsrnetError('ONNX_FORMAT')` when the bytes are not an ONNX model
 * (saying what they look like instead: an HTML page, JSON, a zip, …), when
 * they are an ONNX model but not one of ours (no `crowd.csrnet` metadata:
 * the producer is named), or when the metadata is of another version or
 * holds an invalid config.
 */
export function readCsrnetOnnxMetadata(bytes: Uint8Array, source?: string): CsrnetOnnxMetadata {
  const header = decodeHeader(bytes, source);
  const entry = header.metadata_props?.find((p) => p.key === CSRNET_ONNX_METADATA_KEY);
  if (entry === undefined) {
    const producer = [header.producer_name, header.producer_version].filter(Boolean).join(' ') || 'an unnamed producer';
    const keys = header.metadata_props?.map((p) => JSON.stringify(p.key ?? '')).join(', ') || 'none';
    throw new CsrnetError(
      'ONNX_FORMAT',
      source,
      `expected a CSRNet ONNX model written by ${CSRNET_ONNX_PRODUCER} (metadata_props key ${JSON.stringify(CSRNET_ONNX_METADATA_KEY)}), found an ONNX model from ${producer} without it (metadata keys: ${keys})`,
    );
  }
  let json: { format?: unknown; version?: unknown; config?: unknown };
  try {
    json = JSON.parse(entry.value ?? '');
  } catch (error) {
    throw new CsrnetError('ONNX_FORMAT', source, `metadata_props ${JSON.stringify(CSRNET_ONNX_METADATA_KEY)} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (json?.format !== CSRNET_ONNX_FORMAT || json.version !== CSRNET_ONNX_VERSION) {
    throw new CsrnetError(
      'ONNX_FORMAT',
      source,
      `expected ${CSRNET_ONNX_FORMAT} version ${CSRNET_ONNX_VERSION} metadata, found ${JSON.stringify(json?.format)} version ${JSON.stringify(json?.version)}`,
    );
  }
  let config: ResolvedCsrnetConfig;
  try {
    config = resolveCsrnetConfig(json.config as ResolvedCsrnetConfig);
  } catch (error) {
    throw new CsrnetError('ONNX_FORMAT', source, `invalid ${CSRNET_ONNX_METADATA_KEY} config: ${(error as Error).message}`, { cause: error });
  }
  const opset = header.opset_import!.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')?.version;
  const [input] = header.graph!.input ?? [];
  const [output] = header.graph!.output ?? [];
  if (opset === undefined || input?.name === undefined || output?.name === undefined) {
    throw new CsrnetError('ONNX_FORMAT', source, `expected a default-domain opset and a named graph input and output, found opsets ${JSON.stringify(header.opset_import)}, input ${JSON.stringify(input?.name)}, output ${JSON.stringify(output?.name)}`);
  }
  return { format: CSRNET_ONNX_FORMAT, version: CSRNET_ONNX_VERSION, config, opset, irVersion: header.ir_version!, input: input.name, output: output.name };
}
