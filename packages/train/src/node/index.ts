/**
 * `@crowd/train/node`: the file-based collaborators of the training loop
 * (samples from image and `.h5` files, checkpoint folders, `log.jsonl`, the
 * PNG curve), `workerCompute` (data-parallel steps over worker threads) and
 * `trainOnDisk`, which wires them. Importing it has no side effects beyond
 * those of `@crowd/train`.
 */
export { fsyncPath, oldPath, recoverDirectory, replaceDirectory } from './atomic-directory.js';
export { BEST_JSON, OPTIMIZER_BIN, STATE_JSON, directoryCheckpointStore, type DirectoryCheckpointStore } from './directory-checkpoint-store.js';
export { fileTrainingSet, fileValidationSet, type FileTrainingSetOptions, type FileValidationSetOptions } from './file-datasets.js';
export { loadInitialModel, type InitialModelOptions } from './initial-model.js';
export { JsonlLog, readLog } from './jsonl-log.js';
export { writeCurve } from './write-curve.js';
export { resolveWorkerComputeOptions, workerCompute, type WorkerBackend, type WorkerCompute, type WorkerComputeOptions } from './worker-compute.js';
export { trainOnDisk, trainOutputs, type TrainOnDiskOptions, type TrainOutputs } from './train-on-disk.js';
