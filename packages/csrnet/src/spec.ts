/**
 * `@crowd/csrnet/spec`: CSRNet as plain data, without TensorFlow.js: the
 * architecture (layers, output size, FLOPs), its configuration and the
 * input normalisation. Counting engines that do not run on tfjs
 * (onnxruntime) and command lines that only parse options import this, so
 * they never load tfjs.
 */
export { CsrnetError, type CsrnetErrorCode } from './errors.js';
export {
  CSRNET_BACKEND,
  CSRNET_CONFIG_DEFAULTS,
  CSRNET_FRONTEND,
  CSRNET_VARIANT_DILATIONS,
  resolveCsrnetConfig,
  type CsrnetConfig,
  type CsrnetVariant,
  type FrontendItem,
  type ResolvedCsrnetConfig,
} from './config.js';
export { csrnetFlops, csrnetLayers, csrnetOutputSize, csrnetParameterSpecs, type ConvLayer, type Layer, type ParameterSpec, type PoolLayer } from './architecture.js';
export { IMAGENET_NORMALIZATION, normalizePixels, type InputNormalization, type PixelLayout } from './normalization.js';
