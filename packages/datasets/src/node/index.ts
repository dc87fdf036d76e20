// @crowd/datasets/node: file-system access for Node (fs, sharp, h5wasm/node).
// Everything here builds on the browser-safe parsers exported from `@crowd/datasets`.

export type { DatasetName, Sample } from './sample.js';
export { findSamples } from './find-samples.js';
export { readHeadPoints } from './read-head-points.js';
export { mergeSamples } from './merge-samples.js';
export { readImageList } from './read-image-list.js';
export { readDensityH5, writeDensityH5 } from './density-h5.js';
export { writeAtomically } from './atomic-write.js';
export { readImageRGB, type ReadImageOptions } from './read-image-rgb.js';
export { readImageSize } from './read-image-size.js';
