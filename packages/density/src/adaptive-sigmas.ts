import KDBush from 'kdbush';
import { resolveDensityOptions, type DensityOptions } from './options.js';
import type { HeadPoints, ImageSize } from './types.js';
import { checkImageSize, interleavePoints } from './validate.js';

/**
 * Per-head σ of the geometry-adaptive kernel: `beta · mean distance to the k
 * nearest other heads`, by exact kNN. Returns one σ per input head, in input
 * order. Heads are used as given (no bounds check, no rounding to pixels).
 *
 * - No head: an empty array. One head: σ = (height + width) / 8, as in the reference.
 * - Fewer than k other heads: the mean runs over the n - 1 that exist (the
 *   reference divides by infinity there and crashes).
 * - Co-located heads are neighbours at distance 0, so σ may be 0.
 */
export function adaptiveSigmas(points: HeadPoints, size: ImageSize, options?: Pick<DensityOptions, 'k' | 'beta'>): Float64Array {
  const { k, beta } = resolveDensityOptions(options);
  const { height, width } = checkImageSize(size);
  return knnSigmas(interleavePoints(points), height, width, k, beta);
}

/**
 * `beta / m` rounded to 15 significant digits. In float64, 0.3 / 3 is
 * 0.09999999999999999, one ulp below the 0.1 the reference multiplies by;
 * rounding recovers the decimal the caller meant, so the defaults reproduce
 * the reference's `(d1 + d2 + d3) * 0.1` bit for bit.
 */
function meanCoefficient(beta: number, m: number): number {
  return Number((beta / m).toPrecision(15));
}

/** {@link adaptiveSigmas} on already validated interleaved points. */
export function knnSigmas(xy: Float64Array, height: number, width: number, k: number, beta: number): Float64Array {
  const n = xy.length / 2;
  const sigmas = new Float64Array(n);
  if (n === 1) sigmas[0] = (height + width) / 8;
  if (n <= 1) return sigmas;

  const m = Math.min(k, n - 1);
  const coefficient = meanCoefficient(beta, m);
  const index = new KDBush(n, 16);
  for (let i = 0; i < n; i++) index.add(xy[2 * i], xy[2 * i + 1]);
  index.finish();

  const { ids, coords } = index;
  const found = new Uint32Array(n);
  const best = new Float64Array(m);
  let previousX = 0;
  let previousY = 0;
  let previousReach = 0;
  for (let s = 0; s < n; s++) {
    const x = coords[2 * s];
    const y = coords[2 * s + 1];
    let count: number;
    if (s === 0) {
      let radius = firstRadius(coords, n, m);
      count = index.withinInto(x, y, radius, found);
      while (count < m + 1) {
        radius *= 2;
        count = index.withinInto(x, y, radius, found);
      }
    } else {
      // The previous head and its m neighbours all lie within `bound` of this
      // head (triangle inequality), so that query always finds m others. Heads
      // are visited in kd order, so neighbours are usually close: a tighter
      // first guess keeps the candidate lists short in dense crowds.
      const bound = (previousReach + Math.hypot(x - previousX, y - previousY)) * (1 + 1e-12) + 1e-12;
      count = index.withinInto(x, y, Math.min(bound, 1.5 * previousReach + 1e-9), found);
      if (count < m + 1) count = index.withinInto(x, y, bound, found);
    }

    const self = ids[s];
    let filled = 0;
    for (let c = 0; c < count; c++) {
      const j = found[c];
      if (j === self) continue;
      const dx = xy[2 * j] - x;
      const dy = xy[2 * j + 1] - y;
      const d2 = dx * dx + dy * dy;
      if (filled === m && d2 >= best[m - 1]) continue;
      let p = filled < m ? filled++ : m - 1;
      while (p > 0 && best[p - 1] > d2) {
        best[p] = best[p - 1];
        p--;
      }
      best[p] = d2;
    }

    // Distances summed nearest first, then scaled, in the reference's order.
    let sum = 0;
    for (let q = 0; q < m; q++) sum += Math.sqrt(best[q]);
    sigmas[self] = sum * coefficient;
    previousX = x;
    previousY = y;
    previousReach = Math.sqrt(best[m - 1]);
  }
  return sigmas;
}

/** A radius expected to hold about 2(m + 1) heads if they were spread evenly over their bounding box. */
function firstRadius(coords: ArrayLike<number>, n: number, m: number): number {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, coords[2 * i]);
    maxX = Math.max(maxX, coords[2 * i]);
    minY = Math.min(minY, coords[2 * i + 1]);
    maxY = Math.max(maxY, coords[2 * i + 1]);
  }
  const area = Math.max(maxX - minX, 1) * Math.max(maxY - minY, 1);
  return Math.sqrt((2 * (m + 1) * area) / (Math.PI * n));
}
