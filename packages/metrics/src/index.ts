export { CountMetrics, countMetrics, FIELD_LABELS, type CountResult } from './count-metrics.js';
export type { DensityMap } from './density-map.js';
export { DensityQuality, type DensityQualityResult, type DensityQualityScores } from './density-quality.js';
export { MetricsError, type MetricsErrorCode } from './errors.js';
export { GameMetrics, gameErrors, type GameResult, type ImageSize } from './game.js';
export { psnr, type PsnrOptions } from './psnr.js';
export { ssim, type SsimOptions } from './ssim.js';
