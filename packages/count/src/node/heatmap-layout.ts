/** Where the photo, the legend band and the text go on the rendered heatmap. */
export interface HeatmapLayout {
  /** The whole canvas: the photo at the top left, the legend band below it. */
  width: number;
  height: number;
  /** Top of the legend band (= the photo's height). */
  bandTop: number;
  bandHeight: number;
  /** Base font size in pixels; everything in the band scales with it. */
  unit: number;
}

/** Narrow photos still get a legend wide enough to read. */
const MIN_CANVAS_WIDTH = 360;

/**
 * The canvas for a `width × height` photo: a band 3.4 units high under it
 * (the photo is never covered), the unit a fortieth of the canvas width
 * between 12 and 64 px so the legend reads the same on a phone shot and a
 * 4000-px frame.
 */
export function heatmapLayout(width: number, height: number): HeatmapLayout {
  const canvasWidth = Math.max(width, MIN_CANVAS_WIDTH);
  const unit = Math.min(Math.max(Math.round(canvasWidth / 40), 12), 64);
  const bandHeight = Math.round(3.4 * unit);
  return { width: canvasWidth, height: height + bandHeight, bandTop: height, bandHeight, unit };
}
