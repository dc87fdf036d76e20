import { colourAt, HEATMAP_OVERLAY_DEFAULTS, heatmapOverlay, type HeatmapOverlay } from '@crowd/heatmap';

/** A density map as the worker returns it. */
export interface DensityGrid {
  density: Float32Array;
  densityWidth: number;
  densityHeight: number;
}

/**
 * The overlay for a density over a `width × height` photo: `@crowd/heatmap`'s
 * `heatmapOverlay` with its defaults, the very bytes `crowd count --heatmap`
 * composites (turbo, the same maximum opacity, the scale from 0 to
 * displayMax).
 */
export function overlayFor(grid: DensityGrid, width: number, height: number): HeatmapOverlay {
  return heatmapOverlay({ height: grid.densityHeight, width: grid.densityWidth, data: grid.density }, width, height);
}

/**
 * Draws the photo with the overlay on top. The overlay is already at the
 * photo's size (upsampled in `heatmapOverlay`, not by the canvas): its
 * pixels go in with `putImageData` on a canvas of their own, which is then
 * composited over the photo unscaled.
 */
export function drawHeatmap(canvas: HTMLCanvasElement, photo: HTMLCanvasElement, overlay: HeatmapOverlay): void {
  const { width, height } = photo;
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  const layer = document.createElement('canvas');
  layer.width = width;
  layer.height = height;
  const layerCtx = layer.getContext('2d');
  if (ctx === null || layerCtx === null) throw new Error('This browser cannot draw into a canvas.');
  ctx.drawImage(photo, 0, 0);
  const rgba = new Uint8ClampedArray(overlay.rgba.buffer as ArrayBuffer, overlay.rgba.byteOffset, overlay.rgba.length);
  layerCtx.putImageData(new ImageData(rgba, width, height), 0, 0);
  ctx.drawImage(layer, 0, 0);
}

/** The colour bar of the legend, 0 (left) to vmax (right), in the overlay's colour map. */
export function drawLegendBar(canvas: HTMLCanvasElement): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  for (let x = 0; x < canvas.width; x++) {
    const [r, g, b] = colourAt(HEATMAP_OVERLAY_DEFAULTS.colourMap, x / Math.max(1, canvas.width - 1)).map(Math.round);
    ctx.fillStyle = `rgb(${r} ${g} ${b})`;
    ctx.fillRect(x, 0, 1, canvas.height);
  }
}
