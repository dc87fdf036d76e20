/**
 * `@crowd/csrnet`: CSRNet (Li, Zhang & Chen, CVPR 2018) over TensorFlow.js,
 * faithful to leeyeehoo/CSRNet-pytorch. Runs anywhere tfjs runs; importing
 * it has no side effects. Training helpers live in `@crowd/csrnet/training`,
 * Node file and backend helpers in `@crowd/csrnet/node`.
 */
// The architecture, its configuration, the input normalisation and CsrnetError: also `@crowd/csrnet/spec`, without tfjs.
export * from './spec.js';
export { CsrnetLimitError } from './errors.js';
export { CSRNET_MAX_PARAMETERS, MODEL_FILE_LIMITS, resolveModelFileLimits, type ModelFileLimits, type ResolvedModelFileLimits } from './limits.js';
export { assertFiniteTensors, firstNonFinite } from './finite.js';
export type { NamedTensor, NamedTensors } from './named-tensors.js';

export { CSRNET_DEFAULT_INIT, CsrnetModel, createCsrnet, type CsrnetInit } from './model.js';
export { REFERENCE_INIT_STD, referenceInit } from './reference-init.js';
export { heInit } from './he-init.js';
export { loadStateDict, readStateDict, stateDict, type LoadStateDictOptions } from './state-dict.js';
export { readNeutralWeights, verifyNeutralWeights, type NeutralWeightsManifest, type NeutralWeightsOptions } from './neutral-weights.js';
export { CSRNET_TFJS_FORMAT, CSRNET_TFJS_VERSION, loadCsrnet, saveCsrnet, type CsrnetMetadata, type LoadCsrnetOptions } from './model-io.js';
export {
  selectBackendFrom,
  type BackendAttempt,
  type BackendCandidate,
  type BackendLoadContext,
  type BackendName,
  type BackendPreference,
  type BackendSelection,
} from './backend-selection.js';
export {
  checkDeviceLimits,
  csrnetDeviceBuffers,
  DEVICE_BUDGET_DEFAULTS,
  largestDeviceBuffer,
  largestSquareTile,
  type DeviceBudgetOptions,
  type DeviceBuffer,
  type DeviceLimits,
} from './device-limits.js';
export { activeDeviceGuard, setDeviceGuard, type DeviceGuard } from './device-guard.js';
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

// ONNX export
export {
  CSRNET_ONNX_FORMAT,
  CSRNET_ONNX_INPUT,
  CSRNET_ONNX_IR_VERSION,
  CSRNET_ONNX_METADATA_KEY,
  CSRNET_ONNX_OPSET,
  CSRNET_ONNX_OUTPUT,
  CSRNET_ONNX_PRODUCER,
  CSRNET_ONNX_VERSION,
  type CsrnetOnnxMetadata,
  type CsrnetOnnxMetadataJson,
} from './onnx/csrnet-onnx-format.js';
export { csrnetToOnnx, type CsrnetToOnnxOptions } from './onnx/csrnet-to-onnx.js';
export { csrnetCheckpointToOnnx, csrnetModelToOnnx } from './onnx/model-to-onnx.js';
export { readCsrnetOnnxMetadata } from './onnx/read-csrnet-onnx-metadata.js';
