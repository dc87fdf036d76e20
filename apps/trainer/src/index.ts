export { createProgram } from './program.js';
export { prepareDataset, type PrepareOptions, type PrepareSummary } from './prepare/prepare-dataset.js';
