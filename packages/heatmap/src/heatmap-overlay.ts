import type { ColourMapName } from './colour-map.js';
import { densityOverlay } from './density-overlay.js';
import { DISPLAY_QUANTILE, displayMax } from './display-max.js';

/** Options of {@link heatmapOverlay}; every field is optional. */
export interface HeatmapOverlayOptions {
  /** @default 'turbo' */
  colourMap?: ColourMapName;
  /** Opacity at the top of the scale, 0…1; the photo stays visible under the densest spot. @default 0.65 */
  maxAlpha?: number;
  /** The quantile of the positive cells shown at full colour (see displayMax). @default DISPLAY_QUANTILE (0.99) */
  quantile?: number;
}

export type ResolvedHeatmapOverlayOptions = Required<HeatmapOverlayOptions>;

/** The one heat-map look, shared by `crowd count --heatmap` and the browser app. */
export const HEATMAP_OVERLAY_DEFAULTS: Readonly<ResolvedHeatmapOverlayOptions> = Object.freeze({
  colourMap: 'turbo',
  maxAlpha: 0.65,
  quantile: DISPLAY_QUANTILE,
});

/** Fills the defaults and checks the ranges; a bad value is a RangeError naming the option. */
export function resolveHeatmapOverlayOptions(options: HeatmapOverlayOptions = {}): ResolvedHeatmapOverlayOptions {
  const resolved = { ...HEATMAP_OVERLAY_DEFAULTS, ...options };
  for (const key of ['maxAlpha', 'quantile'] as const) {
    const v = resolved[key];
    if (!(v >= 0 && v <= 1)) throw new RangeError(`heatmapOverlay: ${key} must be between 0 and 1, got ${v}`);
  }
  return resolved;
}

/** What {@link heatmapOverlay} gives: the pixels and the scale they were coloured on. */
export interface HeatmapOverlay {
  /** RGBA bytes, `width × height`, row-major, not premultiplied: composite them over the photo. */
  rgba: Uint8Array;
  /** The density at full colour, people per map cell: the legend runs from 0 to it. 0 when nothing is positive. */
  vmax: number;
  /** Some cells are denser than vmax (drawn at full colour): the legend's top reads "vmax+". */
  clamped: boolean;
}

/**
 * The heat map of a density map over a `width × height` photo, by the one
 * colour-scale rule: from 0 (never from the map's minimum, so negative
 * density, which no trained model outputs, shows as nothing) to
 * {@link displayMax} of the positive cells; the map upsampled bilinearly to
 * the photo's size and coloured by {@link densityOverlay}. The CLI's PNG and
 * the browser draw these very bytes.
 */
export function heatmapOverlay(
  map: { height: number; width: number; data: ArrayLike<number> },
  width: number,
  height: number,
  options: HeatmapOverlayOptions = {},
): HeatmapOverlay {
  const { colourMap, maxAlpha, quantile } = resolveHeatmapOverlayOptions(options);
  const vmax = displayMax(map.data, quantile);
  let clamped = false;
  for (let i = 0; i < map.data.length && !clamped; i++) clamped = map.data[i] > vmax;
  return { rgba: densityOverlay(map, width, height, { colourMap, vmax, maxAlpha }), vmax, clamped };
}
