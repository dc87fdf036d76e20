export { COLOUR_MAP_NAMES, colourAt, colourTable, type ColourMapName } from './colour-map.js';
export { bilinearAxis, type BilinearAxis } from './bilinear-axis.js';
export { densityOverlay, type OverlayOptions } from './density-overlay.js';
export { DISPLAY_QUANTILE, displayMax } from './display-max.js';
export {
  HEATMAP_OVERLAY_DEFAULTS,
  heatmapOverlay,
  resolveHeatmapOverlayOptions,
  type HeatmapOverlay,
  type HeatmapOverlayOptions,
  type ResolvedHeatmapOverlayOptions,
} from './heatmap-overlay.js';
export { formatDensity } from './format-density.js';
