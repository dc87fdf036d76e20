import { bilinearAxis } from './bilinear-axis.js';
import { colourTable, type ColourMapName } from './colour-map.js';

export interface OverlayOptions {
  colourMap: ColourMapName;
  /** The density shown at full colour and opacity (the legend's top); values are clamped to [0, vmax]. */
  vmax: number;
  /** Opacity at vmax, 0…1; it falls linearly to 0 at density 0, so empty areas show the photo. */
  maxAlpha: number;
}

const LEVELS = 256;

/**
 * The density map upsampled (bilinear, see bilinearAxis) to `width × height`
 * and coloured: RGBA bytes, colour and alpha both from density / vmax. Built
 * one row at a time, so apart from the result it needs only two row buffers.
 */
export function densityOverlay(
  map: { height: number; width: number; data: ArrayLike<number> },
  width: number,
  height: number,
  options: OverlayOptions
): Uint8Array {
  const { colourMap, vmax, maxAlpha } = options;
  const lut = colourTable(colourMap, LEVELS);
  const out = new Uint8Array(width * height * 4);
  if (!(vmax > 0)) return out;
  const cols = bilinearAxis(map.width, width);
  const rows = bilinearAxis(map.height, height);
  const rowValues = new Float32Array(width);
  const upperValues = new Float32Array(width);
  const sampleRow = (r: number, into: Float32Array) => {
    const base = r * map.width;
    for (let x = 0; x < width; x++) {
      const a = map.data[base + cols.lower[x]];
      into[x] = a + cols.weight[x] * (map.data[base + cols.upper[x]] - a);
    }
  };
  for (let y = 0; y < height; y++) {
    sampleRow(rows.lower[y], rowValues);
    sampleRow(rows.upper[y], upperValues);
    const w = rows.weight[y];
    for (let x = 0; x < width; x++) {
      const v = rowValues[x] + w * (upperValues[x] - rowValues[x]);
      const t = Math.min(Math.max(v / vmax, 0), 1);
      const level = Math.round(t * (LEVELS - 1));
      const o = (y * width + x) * 4;
      out[o] = lut[3 * level];
      out[o + 1] = lut[3 * level + 1];
      out[o + 2] = lut[3 * level + 2];
      out[o + 3] = Math.round(t * maxAlpha * 255);
    }
  }
  return out;
}
