import sharp from 'sharp';
import type { RgbImage } from '@crowd/datasets';
import { densityOverlay, displayMax, type ColourMapName } from '@crowd/heatmap';
import { heatmapLayout } from './heatmap-layout.js';
import { heatmapSvg } from './heatmap-svg.js';

export type HeatmapFormat = 'png' | 'jpg';

export interface HeatmapOptions {
  count: number;
  colourMap: ColourMapName;
  format: HeatmapFormat;
  /** Head positions in image pixels, interleaved x, y. */
  points?: Float64Array;
}

/** Overlay opacity at the map's maximum: the photo stays visible under the densest spot. */
const MAX_ALPHA = 0.65;

/**
 * The photo with its predicted density over it (bilinear to full size,
 * colour and opacity from the density, full at displayMax), head
 * circles, and a legend band below with the count and the colour scale.
 * Returns the encoded PNG or JPEG (quality 90).
 */
export async function renderHeatmap(image: RgbImage, density: { height: number; width: number; data: Float32Array }, options: HeatmapOptions): Promise<Buffer> {
  const vmax = displayMax(density.data);
  let max = 0;
  for (const v of density.data) if (v > max) max = v;
  const layout = heatmapLayout(image.width, image.height);
  const overlay = densityOverlay(density, image.width, image.height, { colourMap: options.colourMap, vmax, maxAlpha: MAX_ALPHA });
  const svg = heatmapSvg(layout, { count: options.count, vmax, clamped: max > vmax, colourMap: options.colourMap, points: options.points });
  const canvas = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extend({ bottom: layout.height - image.height, right: layout.width - image.width, background: '#161616' })
    .composite([
      {
        input: Buffer.from(overlay.buffer, overlay.byteOffset, overlay.length),
        raw: { width: image.width, height: image.height, channels: 4 },
        top: 0,
        left: 0,
      },
      { input: Buffer.from(svg), top: 0, left: 0 },
    ]);
  return options.format === 'png' ? canvas.png().toBuffer() : canvas.jpeg({ quality: 90 }).toBuffer();
}
