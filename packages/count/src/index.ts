/**
 * `@crowd/count`: counting people with CSRNet on any engine. A counter
 * tiles large images, sums the density, places head points and warns about
 * implausible densities the same way on every engine; engines are adapters
 * (tfjs on any backend, onnxruntime-node or -web injected by the caller).
 * The registry of pretrained models is plain data here; Node helpers (model
 * files and downloads, onnxruntime-node, image files, heat-map pictures) are
 * in `@crowd/count/node`.
 */
export { CountError, type CountErrorCode } from './errors.js';
export { imageChannels, type CountImage } from './count-image.js';
export { densitySum, type DensityMap } from './density-map.js';
export { DEFAULT_PASS_PIXELS, type DensityEngine } from './density-engine.js';
export { createCounter, type Counter, type CountOptions, type CountResult } from './counter.js';
export { countWarnings, NEGATIVE_MASS_FRACTION, type CountWarning, type CountWarningCode } from './count-warnings.js';
export { createTfjsEngine, type TfjsEngineOptions } from './tfjs-engine.js';
export {
  createOnnxEngine,
  type OnnxEngine,
  type OnnxEngineOptions,
  type OrtModule,
  type OrtSession,
  type OrtSessionOptions,
  type OrtTensor,
  type ProviderAttempt,
} from './onnx-engine.js';
export { AUTO_TILE_SIZE, checkTiling, DEFAULT_TILE_MARGIN, OUTPUT_STRIDE, planTiles, tileSizeFor, type Tile, type TilePlan } from './tile-plan.js';
export { predictTiled } from './predict-tiled.js';
export { cropPixels } from './crop-pixels.js';
export {
  cellsToImagePoints,
  HEAD_POINT_DEFAULTS,
  headPoints,
  resolveHeadPointOptions,
  type DensityGrid,
  type HeadPointOptions,
  type ResolvedHeadPointOptions,
} from './head-points.js';
export {
  DEFAULT_MODEL_ID,
  findModel,
  MODEL_REGISTRY,
  modelUrls,
  type DownloadSource,
  type ManualSource,
  type ModelEntry,
  type ModelPreprocessing,
} from './models/model-registry.js';
export { maxSideSize, type MaxSideSize } from './models/max-side.js';
export { csvField, formatRecord, headerLine, textField, type CountRecord, type OutputFormat, type RecordFields } from './count-record.js';
