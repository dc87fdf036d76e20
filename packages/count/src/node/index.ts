/**
 * `@crowd/count/node`: counting from files in Node. `resolveWeights(id)`
 * downloads a registry model into the user's cache on first use;
 * `createCounter({ weights })` loads a model file on onnxruntime-node (when
 * installed) or tfjs; `countFile` decodes an image, counts it (shrunk to
 * `maxSide` first when asked) and writes a heat map and a density.
 */
export { createCounter, type EngineAttempt, type EngineChoice, type NodeCounter, type NodeCounterOptions } from './create-counter.js';
export { hasOnnxruntimeCuda, loadOnnxruntimeNode, ONNXRUNTIME_NODE } from './load-onnxruntime.js';
export { countFile, type CountFileOptions } from './count-file.js';
export { resizeImage } from './resize-image.js';
export {
  CACHE_DIR_ENV,
  cachedModelPath,
  checkCachedModel,
  modelCacheDir,
  PARTIAL_SUFFIX,
  type CachedModelState,
  type ModelRecord,
} from './model-cache.js';
export { ensureModel, MODELS_MIRROR_ENV, type EnsuredModel, type EnsureModelOptions } from './ensure-model.js';
export { DownloadFailure, downloadFile, type DownloadFileOptions, type DownloadProgress } from './download-file.js';
export { resolveWeights, type ResolvedWeights } from './resolve-weights.js';
export { renderHeatmap, type HeatmapFormat, type HeatmapOptions } from './render-heatmap.js';
export { heatmapLayout, type HeatmapLayout } from './heatmap-layout.js';
