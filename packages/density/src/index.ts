export { densityMap, densityMapWithStats } from './density-map.js';
export { adaptiveSigmas } from './adaptive-sigmas.js';
export { sumPool } from './sum-pool.js';
export { resizeCubicTarget } from './resize-cubic-target.js';
export { downsample, DEFAULT_DOWNSAMPLE_OPTIONS } from './downsample.js';
export { DEFAULT_DENSITY_OPTIONS, resolveDensityOptions } from './options.js';
export { DensityError } from './errors.js';

export type { DensityMap, DensityResult, HeadPoints, ImageSize } from './types.js';
export type { DensityKernel, DensityMode, DensityOptions, ResolvedDensityOptions } from './options.js';
export type { DownsampleMethod, DownsampleOptions } from './downsample.js';
export type { DensityErrorCode } from './errors.js';
