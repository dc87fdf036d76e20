/** A row-major 2-D map (the predicted density, 1/8 of the image). */
export interface Grid {
  height: number;
  width: number;
  data: ArrayLike<number>;
}

export interface Peak {
  row: number;
  col: number;
  value: number;
}

export interface PeakOptions {
  /** Neighbourhood half-size: 1 → 3×3, 2 → 5×5. */
  radius?: number;
  /** A peak must reach this fraction of the map's maximum. */
  relativeThreshold?: number;
  /** Peaks closer than this (cells, Euclidean) are merged into the stronger one. */
  minDistance?: number;
}

/**
 * The defaults of `crowd count --points`. At 1/8 resolution one cell is
 * 8×8 pixels, so heads closer than ~2 cells, or a dense crowd's merged
 * blobs, give a single peak: the number of peaks is a head-position
 * heuristic for sparse scenes, not the count (the count is the map's sum).
 */
export const PEAK_DEFAULTS: Readonly<Required<PeakOptions>> = Object.freeze({ radius: 1, relativeThreshold: 0.1, minDistance: 2 });

/**
 * Local maxima of a map: cells at least `relativeThreshold` × the map's
 * maximum (and > 0) that no other cell in their (2·radius + 1)² neighbourhood
 * exceeds (on a plateau the first cell in raster order wins). Then, strongest
 * first, a peak within `minDistance` of an already kept one is dropped.
 * Returned strongest first (ties in raster order).
 */
export function localMaxima(map: Grid, options: PeakOptions = {}): Peak[] {
  const { radius, relativeThreshold, minDistance } = { ...PEAK_DEFAULTS, ...options };
  if (!Number.isInteger(radius) || radius < 1) throw new RangeError(`radius must be an integer ≥ 1, got ${radius}`);
  if (!(relativeThreshold >= 0 && relativeThreshold <= 1)) throw new RangeError(`relativeThreshold must be in [0, 1], got ${relativeThreshold}`);
  if (!(minDistance >= 0)) throw new RangeError(`minDistance must be ≥ 0, got ${minDistance}`);
  const { height, width, data } = map;
  let max = 0;
  for (let i = 0; i < height * width; i++) if (data[i] > max) max = data[i];
  if (max <= 0) return [];
  const threshold = relativeThreshold * max;

  const candidates: Peak[] = [];
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const value = data[r * width + c];
      if (value <= 0 || value < threshold || !isLocalMaximum(map, r, c, radius)) continue;
      candidates.push({ row: r, col: c, value });
    }
  }
  // Stable sort: equal values keep raster order.
  candidates.sort((a, b) => b.value - a.value);
  const kept: Peak[] = [];
  const min2 = minDistance * minDistance;
  for (const p of candidates) {
    if (kept.every((k) => (k.row - p.row) ** 2 + (k.col - p.col) ** 2 >= min2)) kept.push(p);
  }
  return kept;
}

/** No neighbour is larger, and no earlier neighbour (raster order) is equal. */
function isLocalMaximum(map: Grid, row: number, col: number, radius: number): boolean {
  const { height, width, data } = map;
  const index = row * width + col;
  const value = data[index];
  for (let r = Math.max(0, row - radius); r <= Math.min(height - 1, row + radius); r++) {
    for (let c = Math.max(0, col - radius); c <= Math.min(width - 1, col + radius); c++) {
      const i = r * width + c;
      if (data[i] > value || (data[i] === value && i < index)) return false;
    }
  }
  return true;
}

/**
 * Peak cells → image pixel coordinates (interleaved x, y): the centre of
 * cell (r, c) of an h × w map over an H × W image is ((c + ½)·W/w, (r + ½)·H/h),
 * the convention @crowd/metrics' GAME uses for the same cells.
 */
export function peaksToImagePoints(peaks: readonly Peak[], map: { height: number; width: number }, image: { height: number; width: number }): Float64Array {
  const points = new Float64Array(peaks.length * 2);
  peaks.forEach((p, i) => {
    points[2 * i] = ((p.col + 0.5) * image.width) / map.width;
    points[2 * i + 1] = ((p.row + 0.5) * image.height) / map.height;
  });
  return points;
}
