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
  const index = new KDBush(n, NODE_SIZE);
  for (let i = 0; i < n; i++) index.add(xy[2 * i], xy[2 * i + 1]);
  index.finish();

  const search = new NearestSearch(index.coords, n, m);
  const { ids } = index;
  for (let s = 0; s < n; s++) {
    const best = search.nearest(s);
    // Distances summed nearest first, then scaled, in the reference's order.
    let sum = 0;
    for (let q = 0; q < m; q++) sum += Math.sqrt(best[q]);
    sigmas[ids[s]] = sum * coefficient;
  }
  return sigmas;
}

/** Heads per kd-tree leaf. */
const NODE_SIZE = 16;
/** Pending nodes a search can hold: one per tree level plus one; 2³² heads make fewer than 32 levels. */
const STACK_DEPTH = 64;

/**
 * Exact k-nearest-neighbour search over kdbush's kd-sorted coordinates, by
 * branch and bound: the half nearer the query first, and a node is skipped as
 * soon as its distance bound is no less than the current m-th best.
 *
 * Why not radius queries: a radius query returns every head in the disc, so
 * 200,000 clicks on one pixel made each query return all of them (quadratic;
 * 32,000 coincident heads took 8 s). Here m heads at distance 0 prune every
 * other node at once, so coincident and near-coincident heads cost
 * O(log n) per query like any others.
 *
 * The bounds are exact in floating point: a head beyond a split differs from
 * the query by at least the split's offset on that axis, rounding is monotone,
 * and adding a square never lowers a sum, so no true neighbour is ever skipped
 * and the m smallest squared distances are the same values a brute-force scan
 * finds.
 */
class NearestSearch {
  /** The m smallest squared distances found so far, ascending; `filled` of them are set. */
  private readonly best: Float64Array;
  private filled = 0;
  /** Pending nodes (left, right, axis) and each one's squared-distance lower bound. */
  private readonly nodes = new Uint32Array(3 * STACK_DEPTH);
  private readonly bounds = new Float64Array(STACK_DEPTH);

  constructor(
    private readonly coords: ArrayLike<number>,
    private readonly n: number,
    private readonly m: number,
  ) {
    this.best = new Float64Array(m);
  }

  /** Squared distances from the head at kd position `self` to its m nearest other heads, ascending. */
  nearest(self: number): Float64Array {
    const { coords, best, nodes, bounds, m } = this;
    const x = coords[2 * self];
    const y = coords[2 * self + 1];
    this.filled = 0;
    nodes[0] = 0;
    nodes[1] = this.n - 1;
    nodes[2] = 0;
    bounds[0] = 0;
    let top = 1;
    while (top > 0) {
      top--;
      const bound = bounds[top];
      if (this.filled === m && bound >= best[m - 1]) continue;
      const left = nodes[3 * top];
      const right = nodes[3 * top + 1];
      const axis = nodes[3 * top + 2];
      if (right - left <= NODE_SIZE) {
        for (let i = left; i <= right; i++) if (i !== self) this.offer(i, x, y);
        continue;
      }
      const middle = (left + right) >> 1;
      if (middle !== self) this.offer(middle, x, y);
      // Heads before `middle` lie at or below its coordinate on `axis`, heads after it at or above.
      const offset = (axis === 0 ? x : y) - coords[2 * middle + axis];
      const farBound = Math.max(bound, offset * offset);
      // The far half goes below the near one on the stack, so the near half is searched first.
      if (offset <= 0) {
        top = this.push(top, middle + 1, right, 1 - axis, farBound);
        top = this.push(top, left, middle - 1, 1 - axis, bound);
      } else {
        top = this.push(top, left, middle - 1, 1 - axis, farBound);
        top = this.push(top, middle + 1, right, 1 - axis, bound);
      }
    }
    return best;
  }

  /** Keeps head `i` among the m nearest if it is nearer than the m-th so far. */
  private offer(i: number, x: number, y: number): void {
    const { coords, best, m } = this;
    const dx = coords[2 * i] - x;
    const dy = coords[2 * i + 1] - y;
    const d2 = dx * dx + dy * dy;
    if (this.filled === m && d2 >= best[m - 1]) return;
    let p = this.filled < m ? this.filled++ : m - 1;
    while (p > 0 && best[p - 1] > d2) {
      best[p] = best[p - 1];
      p--;
    }
    best[p] = d2;
  }

  /** Pushes the node [left, right] unless it is empty; returns the new stack height. */
  private push(top: number, left: number, right: number, axis: number, bound: number): number {
    if (left > right) return top;
    this.nodes[3 * top] = left;
    this.nodes[3 * top + 1] = right;
    this.nodes[3 * top + 2] = axis;
    this.bounds[top] = bound;
    return top + 1;
  }
}
