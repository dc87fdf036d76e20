// @crowd/datasets/node: file-system access for Node (fs, sharp, h5wasm/node).
// Everything here builds on the browser-safe parsers exported from `@crowd/datasets`.

export type { DatasetName, Sample } from './sample.js';
export { findSamples, type FindSamplesOptions } from './find-samples.js';
export { readHeadPoints } from './read-head-points.js';
export { mergeSamples } from './merge-samples.js';
export { readImageList } from './read-image-list.js';
export { readDensityH5, writeDensityH5, type ReadDensityOptions } from './density-h5.js';
export { removePendingTempFiles, writeAtomically } from './atomic-write.js';
export { removeStaleTempFiles, removeTempFilesOf, STALE_TEMP_AGE_MS, type StaleTempOptions } from './stale-temp-files.js';
export { readImageRGB, type ReadImageOptions } from './read-image-rgb.js';
export { readImageSize } from './read-image-size.js';
export { DEFAULT_MAX_PIXELS } from '../pixel-budget.js';
