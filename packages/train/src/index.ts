/**
 * `@crowd/train`: the CSRNet training loop over TensorFlow.js, on any
 * backend. No file system, no image decoder, no backend imports: data,
 * checkpoints and the log are injected (`@crowd/train/node` has the
 * file-based ones). Importing it registers CSRNet's dilated-conv gradients
 * (through `@crowd/csrnet/training`).
 */
export { TrainError, type TrainErrorCode } from './errors.js';
export {
  DEFAULT_TRAIN_PRESET,
  RESUMABLE_OPTIONS,
  TRAIN_PRESETS,
  resolveTrainConfig,
  resumeTrainConfig,
  type CropMode,
  type OptimizerName,
  type ResolvedTrainConfig,
  type TargetMethod,
  type TrainConfig,
  type TrainPreset,
} from './config.js';
export { Prng, type PrngState } from './prng.js';
export { shuffled } from './shuffle.js';
export { patchWindow, type PatchSpec, type Window } from './crop-window.js';
export { planEpoch, toBatches, type Example } from './epoch-plan.js';
export { cropAndMirror, type ImageWithDensity } from './joint-transform.js';
export { OUTPUT_STRIDE, referenceTargetCount, trainingTarget } from './training-target.js';
export { makeBatch, type TensorBatch } from './batch.js';
export type { TrainingSample, TrainingSet, ValidationSample, ValidationSet, ValidationTruth } from './data.js';
export { Adam, type AdamConfig, type AdamState } from './adam.js';
export { createOptimizer, type OptimizerState, type TrainOptimizer } from './optimizer.js';
export { decodeOptimizerState, encodeOptimizerState, type OptimizerManifest } from './optimizer-state-codec.js';
export { TRAIN_STATE_FORMAT, TRAIN_STATE_VERSION, initialTrainState, parseTrainState, type EpochSummary, type TrainState } from './train-state.js';
export type { BestModelInfo, Checkpoint, CheckpointStore } from './checkpoint-store.js';
export type { EpochRecord, LogRecord, StepRecord, TrainLog } from './records.js';
export { validate } from './validate.js';
export { inProcessCompute, predictedCount, stackedGradients, type BatchExample, type BatchGradients, type CountRequest, type TrainCompute } from './train-compute.js';
export {
  constantLearningRate,
  train,
  type InitialModel,
  type LearningRateSchedule,
  type StartInfo,
  type TrainCallbacks,
  type TrainOptions,
  type TrainResult,
} from './train-loop.js';
export { curveSvg, type CurvePoint } from './curve-svg.js';
