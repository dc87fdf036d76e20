import type { ResolvedCsrnetConfig } from '../config.js';

/**
 * The ONNX operator set the graph uses: 17 (ONNX 1.12). Its Conv, Relu and
 * MaxPool are what every runtime implements (onnxruntime-node and -web,
 * TensorRT, OpenVINO, …); nothing newer is needed.
 */
export const CSRNET_ONNX_OPSET = 17;

/** The IR version that goes with opset 17 (ONNX 1.12's). */
export const CSRNET_ONNX_IR_VERSION = 8;

/** `ModelProto.producer_name` of every model this package writes. */
export const CSRNET_ONNX_PRODUCER = 'crowd';

/**
 * The `metadata_props` key holding {@link CsrnetOnnxMetadataJson} as JSON:
 * what model this is and how its input is normalised.
 */
export const CSRNET_ONNX_METADATA_KEY = 'crowd.csrnet';

/** `format` in the metadata. */
export const CSRNET_ONNX_FORMAT = 'csrnet-onnx';

/** `version` in the metadata; bumped on incompatible changes to the graph's interface. */
export const CSRNET_ONNX_VERSION = 1;

/** The graph input: normalised RGB images, float32 `[batch, 3, height, width]` (NCHW), any size. */
export const CSRNET_ONNX_INPUT = 'input';

/** The graph output: the density map, float32 `[batch, 1, ⌊height/8⌋, ⌊width/8⌋]`; its sum is the count. */
export const CSRNET_ONNX_OUTPUT = 'density';

/** The JSON stored under {@link CSRNET_ONNX_METADATA_KEY}. */
export interface CsrnetOnnxMetadataJson {
  format: typeof CSRNET_ONNX_FORMAT;
  version: typeof CSRNET_ONNX_VERSION;
  /** The architecture and the input normalisation (`(v · inputScale − mean[c]) / std[c]`, RGB). */
  config: ResolvedCsrnetConfig;
}

/** What `readCsrnetOnnxMetadata` returns: the stored metadata and the model's interface. */
export interface CsrnetOnnxMetadata extends CsrnetOnnxMetadataJson {
  /** The default-domain opset the model imports. */
  opset: number;
  irVersion: number;
  /** The graph input's name ({@link CSRNET_ONNX_INPUT}). */
  input: string;
  /** The graph output's name ({@link CSRNET_ONNX_OUTPUT}). */
  output: string;
}
