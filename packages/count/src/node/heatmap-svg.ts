import { colourAt, formatDensity, type ColourMapName } from '@crowd/heatmap';
import type { HeatmapLayout } from './heatmap-layout.js';

export interface HeatmapSvgOptions {
  count: number;
  /** The density at the top of the colour bar (people per output cell). */
  vmax: number;
  /** Some cells exceed vmax (drawn at full colour): the top label reads "vmax+". */
  clamped: boolean;
  colourMap: ColourMapName;
  /** Head positions in image pixels, interleaved x, y: drawn as small circles. */
  points?: Float64Array;
}

const STOPS = 16;

/**
 * The vector layer composited over the photo and its overlay: the head
 * circles on the photo and, in the band below it, the count and a colour
 * bar from 0 to vmax (the overlay's scale), labelled in people per 8×8-pixel
 * output cell.
 */
export function heatmapSvg(layout: HeatmapLayout, options: HeatmapSvgOptions): string {
  const { width, height, bandTop, bandHeight, unit: u } = layout;
  const parts: string[] = [];
  const stops = Array.from({ length: STOPS + 1 }, (_, i) => {
    const [r, g, b] = colourAt(options.colourMap, i / STOPS).map(Math.round);
    return `<stop offset="${i / STOPS}" stop-color="rgb(${r},${g},${b})"/>`;
  }).join('');
  parts.push(`<defs><linearGradient id="bar">${stops}</linearGradient></defs>`);

  if (options.points !== undefined) {
    const r = Math.max(2, u / 4);
    const circles: string[] = [];
    for (let i = 0; i < options.points.length; i += 2) {
      circles.push(`<circle cx="${options.points[i].toFixed(1)}" cy="${options.points[i + 1].toFixed(1)}" r="${r}"/>`);
    }
    parts.push(`<g fill="#ffffff" stroke="#000000" stroke-width="${Math.max(1, u / 12)}">${circles.join('')}</g>`);
  }

  parts.push(`<rect x="0" y="${bandTop}" width="${width}" height="${bandHeight}" fill="#161616"/>`);
  const text = (x: number, y: number, size: number, anchor: string, body: string) =>
    `<text x="${x}" y="${y}" font-size="${size}" text-anchor="${anchor}" fill="#ffffff" font-family="DejaVu Sans, Arial, sans-serif">${body}</text>`;
  const points = options.points === undefined ? '' : ` · ${options.points.length / 2} points`;
  parts.push(text(u, bandTop + 1.5 * u, 1.3 * u, 'start', `count ${options.count.toFixed(1)}`));
  parts.push(text(u, bandTop + 2.8 * u, 0.75 * u, 'start', `CSRNet${points}`));

  const barLeft = Math.round(width * 0.45);
  const barRight = width - u;
  const barTop = bandTop + 0.6 * u;
  parts.push(`<rect x="${barLeft}" y="${barTop}" width="${barRight - barLeft}" height="${0.9 * u}" fill="url(#bar)" stroke="#ffffff" stroke-width="1"/>`);
  const labelY = barTop + 0.9 * u + 1.1 * u;
  parts.push(text(barLeft, labelY, 0.75 * u, 'start', '0'));
  parts.push(text((barLeft + barRight) / 2, labelY, 0.75 * u, 'middle', 'people per 8×8 px'));
  parts.push(text(barRight, labelY, 0.75 * u, 'end', `${formatDensity(options.vmax)}${options.clamped ? '+' : ''}`));

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}
