import sharp from 'sharp';
import type { RgbImage } from '@crowd/datasets';
import { HEATMAP_OVERLAY_DEFAULTS, heatmapOverlay, type ColourMapName } from '@crowd/heatmap';
import { heatmapLayout } from './heatmap-layout.js';
import { heatmapSvg } from './heatmap-svg.js';

export type HeatmapFormat = 'png' | 'jpg';

export interface HeatmapOptions {
  count: number;
  /** @default HEATMAP_OVERLAY_DEFAULTS.colourMap ('turbo'), as the browser app */
  colourMap?: ColourMapName;
  format: HeatmapFormat;
  /** Head positions in image pixels, interleaved x, y. */
  points?: Float64Array;
}

/**
 * The photo with its predicted density over it (`heatmapOverlay`, the
 * browser app's very pixels: bilinear to full size, colour and opacity from
 * density ÷ vmax, the scale from 0 to displayMax), head circles, and a
 * legend band below with the count and the colour scale. Returns the
 * encoded PNG or JPEG (quality 90).
 */
export async function renderHeatmap(image: RgbImage, density: { height: number; width: number; data: Float32Array }, options: HeatmapOptions): Promise<Buffer> {
  const layout = heatmapLayout(image.width, image.height);
  const colourMap = options.colourMap ?? HEATMAP_OVERLAY_DEFAULTS.colourMap;
  const { rgba: overlay, vmax, clamped } = heatmapOverlay(density, image.width, image.height, { colourMap });
  const svg = heatmapSvg(layout, { count: options.count, vmax, clamped, colourMap, points: options.points });
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
