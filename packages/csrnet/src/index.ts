/**
 * `@crowd/csrnet`: CSRNet (Li, Zhang & Chen, CVPR 2018) over TensorFlow.js,
 * faithful to leeyeehoo/CSRNet-pytorch. Runs anywhere tfjs runs; importing
 * it has no side effects. Training helpers live in `@crowd/csrnet/training`,
 * Node file and backend helpers in `@crowd/csrnet/node`.
 */
export { CsrnetError, type CsrnetErrorCode } from './errors.js';
export type { NamedTensor, NamedTensors } from './named-tensors.js';

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
export { IMAGENET_NORMALIZATION, normalizePixels, type InputNormalization } from './normalization.js';
export { CSRNET_DEFAULT_INIT, CsrnetModel, createCsrnet, type CsrnetInit } from './model.js';
export { REFERENCE_INIT_STD, referenceInit } from './reference-init.js';
export { heInit } from './he-init.js';
export { loadStateDict, stateDict, type LoadStateDictOptions } from './state-dict.js';
export { readNeutralWeights, verifyNeutralWeights, type NeutralWeightsManifest, type NeutralWeightsOptions } from './neutral-weights.js';
export { CSRNET_TFJS_FORMAT, CSRNET_TFJS_VERSION, loadCsrnet, saveCsrnet, type CsrnetMetadata } from './model-io.js';
export { selectBackendFrom, type BackendAttempt, type BackendCandidate, type BackendName, type BackendPreference, type BackendSelection } from './backend-selection.js';
export { SGD, REFERENCE_SGD_CONFIG, SGD_DEFAULTS, resolveSgdConfig, type SgdConfig, type TrainableParameters } from './sgd.js';
export { registerCsrnetGradients } from './register-gradients.js';

// PyTorch / VGG weight import
export {
  readTorchCheckpoint,
  type SgdOptimizerState,
  type SgdParamGroup,
  type TorchCheckpoint,
} from './torch/checkpoint.js';
export type { TorchDtype } from './torch/dtypes.js';
export { momentumBuffersByName } from './torch/momentum-buffers.js';
export { csrnetFromCheckpoint, widthDivisorOf } from './checkpoint-model.js';
export { VGG16_FRONTEND_LAYERS } from './vgg/frontend-layers.js';
export { vggFrontendFromTorchvision } from './vgg/torchvision.js';
export { vggFrontendFromKerasH5 } from './vgg/keras-h5.js';
