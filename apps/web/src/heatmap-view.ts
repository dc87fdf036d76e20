import { colourAt } from '@crowd/heatmap';
import { densityRange, densityToRgba, type DensityRange } from './heatmap.ts';
import type { CountResult } from './protocol.ts';

/**
 * Draws the photo with the density map on top: one map cell covers 8×8
 * input pixels, and the browser's bilinear filtering upsamples the cells
 * smoothly. Returns the colour range, for the legend.
 */
export function drawHeatmap(canvas: HTMLCanvasElement, photo: HTMLCanvasElement, result: CountResult): DensityRange {
  canvas.width = photo.width;
  canvas.height = photo.height;
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('This browser cannot draw into a canvas.');
  ctx.drawImage(photo, 0, 0);
  const range = densityRange(result.density);
  const cells = document.createElement('canvas');
  cells.width = result.densityWidth;
  cells.height = result.densityHeight;
  const cellCtx = cells.getContext('2d')!;
  const rgba = densityToRgba(result.density, range);
  cellCtx.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, result.densityWidth, result.densityHeight), 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(cells, 0, 0, result.densityWidth * 8, result.densityHeight * 8);
  return range;
}

/** The colour bar of the legend, low (left) to high (right). */
export function drawLegendBar(canvas: HTMLCanvasElement): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  for (let x = 0; x < canvas.width; x++) {
    const [r, g, b] = colourAt('turbo', x / Math.max(1, canvas.width - 1)).map(Math.round);
    ctx.fillStyle = `rgb(${r} ${g} ${b})`;
    ctx.fillRect(x, 0, 1, canvas.height);
  }
}

/** Density per map cell (people per 8×8 px), short. */
export function formatDensity(value: number): string {
  return Math.abs(value) >= 0.01 || value === 0 ? value.toFixed(3) : value.toExponential(1);
}
