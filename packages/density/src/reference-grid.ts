import { DensityError } from './errors.js';

/** Head points as the reference's integer grid sees them. */
export interface ReferenceGrid {
  /** Distinct set pixels as interleaved integer `x, y`, in row-major order. */
  xy: Float64Array;
  /** Heads skipped by the bounds check. */
  dropped: number;
  /** Heads that landed on a pixel already set. */
  merged: number;
}

/**
 * The reference's `if int(y) < H and int(x) < W: k[int(y), int(x)] = 1`:
 * truncation toward 0, only the upper bound checked, negative indices wrapped
 * as numpy wraps them, and cells set rather than incremented.
 */
export function referenceGrid(xy: Float64Array, height: number, width: number): ReferenceGrid {
  const set = new Uint8Array(height * width);
  let dropped = 0;
  let merged = 0;
  let distinct = 0;
  for (let i = 0; i < xy.length; i += 2) {
    let col = Math.trunc(xy[i]);
    let row = Math.trunc(xy[i + 1]);
    if (!(row < height && col < width)) {
      dropped++;
      continue;
    }
    if (row < -height || col < -width) {
      throw new DensityError(
        'POINT_OUT_OF_RANGE',
        `Point ${i / 2} at (x ${xy[i]}, y ${xy[i + 1]}) indexes pixel (${row}, ${col}), beyond the negative wrap-around range [-${height}, -1]×[-${width}, -1] of a ${height}×${width} image; the reference raises IndexError here.`,
      );
    }
    if (row < 0) row += height;
    if (col < 0) col += width;
    const cell = row * width + col;
    if (set[cell] === 1) {
      merged++;
    } else {
      set[cell] = 1;
      distinct++;
    }
  }
  const out = new Float64Array(2 * distinct);
  for (let cell = 0, o = 0; o < out.length; cell++) {
    if (set[cell] === 0) continue;
    out[o++] = cell % width;
    out[o++] = Math.floor(cell / width);
  }
  return { xy: out, dropped, merged };
}
