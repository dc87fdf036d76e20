/** A row-major 2-D map of people per cell (the predicted density, one cell per 8×8 input pixels). */
export interface DensityGrid {
  height: number;
  width: number;
  data: ArrayLike<number>;
}

/** Options of {@link headPoints}; every field is optional. */
export interface HeadPointOptions {
  /**
   * σ of the Gaussian that smooths the density before peaks are sought, in
   * cells: enough to keep noise from splitting one head into several peaks,
   * little enough to keep neighbours in a dense crowd apart. 0 uses the map
   * as it is.
   * @default 0.7
   */
  smoothing?: number;
  /**
   * A point needs a smoothed density of at least this many people per cell
   * where it is placed, so a flat low background (a model's bias over sky or
   * road) gets none, whatever it adds up to. The default is the peak of one
   * person spread as a Gaussian of σ = 4 cells (32 px): wider blobs are not
   * told apart from background.
   * @default 0.01
   */
  minDensity?: number;
  /**
   * A point also needs this much density (people) within 2σ of it, where
   * σ = 1/√(2π·peak) is the width of a one-person Gaussian of that peak
   * height: an isolated spike of noise has the height but not the mass.
   * @default 0.5
   */
  minMass?: number;
  /**
   * A point closer than this many σ to an earlier one is left out (its
   * person's mass is still used up), so points never stack.
   * @default 0.5
   */
  minDistance?: number;
}

/** {@link HeadPointOptions} with every field filled in. */
export type ResolvedHeadPointOptions = Required<HeadPointOptions>;

/** The defaults of {@link headPoints} (and `crowd count --points`). */
export const HEAD_POINT_DEFAULTS: Readonly<ResolvedHeadPointOptions> = Object.freeze({ smoothing: 0.7, minDensity: 0.01, minMass: 0.5, minDistance: 0.5 });

/** Copies `options`, fills in {@link HEAD_POINT_DEFAULTS} and validates every field (RangeError naming it). */
export function resolveHeadPointOptions(options: HeadPointOptions = {}): ResolvedHeadPointOptions {
  const resolved = { ...HEAD_POINT_DEFAULTS };
  for (const [key, value] of Object.entries(options)) {
    if (!(key in HEAD_POINT_DEFAULTS)) throw new RangeError(`unknown head point option ${JSON.stringify(key)} (known: ${Object.keys(HEAD_POINT_DEFAULTS).join(', ')})`);
    if (value !== undefined) resolved[key as keyof ResolvedHeadPointOptions] = value;
  }
  const check = (name: keyof ResolvedHeadPointOptions, ok: (v: number) => boolean, expected: string) => {
    const value = resolved[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) throw new RangeError(`${name} must be ${expected}, got ${value}`);
  };
  check('smoothing', (v) => v >= 0, 'a number ≥ 0');
  // > 0 bounds the one-person width 1/√(2π·peak) that sets every radius.
  check('minDensity', (v) => v > 0, 'a number > 0');
  check('minMass', (v) => v >= 0, 'a number ≥ 0');
  check('minDistance', (v) => v >= 0, 'a number ≥ 0');
  return resolved;
}

/** A person narrower than a cell is a cell. */
const MIN_SIGMA = 0.5;
/** Mass is counted within 2σ of a peak (86% of a Gaussian)… */
const MASS_REACH = 2;
/** …and one person is taken away within 3σ (99%). */
const REMOVAL_REACH = 3;
/** Side of the blocks whose maxima make finding the next peak cheap, in cells. */
const BLOCK = 16;

/**
 * One point per person the density predicts: `round(sum)` people (none when
 * the map sums to less than ½), each placed where the map says one is. It is
 * greedy: the highest peak of the smoothed residual density takes a point,
 * at a sub-cell position (a parabola through the peak and its neighbours,
 * per axis), then one person's mass (1) is taken from the residual, from the
 * cells nearest the point outward within 3σ, where σ = 1/√(2π·peak) is the
 * width of a one-person Gaussian of the peak's height (at least ½ cell). A
 * dense crowd's merged blob therefore gets as many points as it holds people,
 * spread over it, and a sparse person exactly one.
 *
 * It stops early where the rest of the density is not people: no peak
 * reaches `minDensity`, or (per peak) less than `minMass` lies within 2σ.
 * A point within `minDistance`·σ of an earlier one is dropped. So a flat
 * background or an all-negative map has no points, and an untrained model's
 * noise few.
 *
 * Returns interleaved x, y in cells: cell (r, c) spans [c, c + 1) × [r, r + 1),
 * so its centre is (c + ½, r + ½); {@link cellsToImagePoints} converts.
 */
export function headPoints(map: DensityGrid, options: HeadPointOptions = {}): Float64Array {
  const { smoothing, minDensity, minMass, minDistance } = resolveHeadPointOptions(options);
  const { height: h, width: w } = map;
  let sum = 0;
  for (let i = 0; i < h * w; i++) sum += map.data[i];
  const people = Math.max(0, Math.round(sum));
  if (people === 0) return new Float64Array(0);

  const residual = Float64Array.from({ length: h * w }, (_, i) => map.data[i]);
  const smooth = smoother(residual, h, w, smoothing);
  const peaks = new BlockMaxima(smooth.values, h, w);
  const placed = new PointGrid(h, w);
  const points: number[] = [];
  // Every person accounted for (placed or dropped as too close) uses up the count.
  for (let accounted = 0; accounted < people; ) {
    const peak = peaks.best();
    if (peak < 0 || smooth.values[peak] < minDensity) break;
    const row = Math.floor(peak / w);
    const col = peak % w;
    const sigma = Math.max(MIN_SIGMA, 1 / Math.sqrt(2 * Math.PI * smooth.values[peak]));
    if (massWithin(residual, h, w, col + 0.5, row + 0.5, MASS_REACH * sigma) < minMass) {
      // Not a person, nor is the slope around it: its lower neighbours would see a wider σ and count more background.
      peaks.exclude(cellsWithin(h, w, col + 0.5, row + 0.5, MASS_REACH * sigma));
      continue;
    }
    // A peak on the border has a neighbour on one side only: it stays at its cell's centre on that axis.
    const v = smooth.values;
    const x = col + 0.5 + (col > 0 && col < w - 1 ? parabolaOffset(v[peak - 1], v[peak], v[peak + 1]) : 0);
    const y = row + 0.5 + (row > 0 && row < h - 1 ? parabolaOffset(v[peak - w], v[peak], v[peak + w]) : 0);
    const reach = REMOVAL_REACH * sigma;
    if (takeOnePerson(residual, h, w, x, y, reach) === 0) {
      // Its smoothed density comes from mass beyond the reach: nothing here to take.
      peaks.exclude([peak]);
      continue;
    }
    accounted++;
    if (!placed.anyWithin(x, y, minDistance * sigma)) {
      placed.add(x, y);
      points.push(x, y);
    }
    const margin = Math.ceil(reach) + smooth.radius;
    const r0 = Math.max(0, row - margin);
    const r1 = Math.min(h - 1, row + margin);
    const c0 = Math.max(0, col - margin);
    const c1 = Math.min(w - 1, col + margin);
    smooth.update(r0, r1, c0, c1);
    peaks.update(r0, r1, c0, c1);
  }
  return Float64Array.from(points);
}

/**
 * Points in cells (as {@link headPoints} gives them) → image pixels: an
 * h × w map over a W × H image has cells W/w by H/h pixels, so the centre of
 * cell (r, c) lands at ((c + ½)·W/w, (r + ½)·H/h), the convention
 * @crowd/metrics' GAME uses for the same cells.
 */
export function cellsToImagePoints(points: Float64Array, map: { height: number; width: number }, image: { height: number; width: number }): Float64Array {
  const out = new Float64Array(points.length);
  for (let i = 0; i < points.length; i += 2) {
    out[i] = (points[i] * image.width) / map.width;
    out[i + 1] = (points[i + 1] * image.height) / map.height;
  }
  return out;
}

/** The vertex of the parabola through (−1, a), (0, b), (1, c), clamped to the cell; 0 where it is not a maximum. */
function parabolaOffset(a: number, b: number, c: number): number {
  const curvature = a - 2 * b + c;
  return curvature < 0 ? Math.max(-0.5, Math.min(0.5, (a - c) / (2 * curvature))) : 0;
}

/** The (signed) density of the cells whose centres lie within `radius` of (x, y). */
function massWithin(values: Float64Array, h: number, w: number, x: number, y: number, radius: number): number {
  let mass = 0;
  forCellsWithin(h, w, x, y, radius, (i) => (mass += values[i]));
  return mass;
}

function cellsWithin(h: number, w: number, x: number, y: number, radius: number): number[] {
  const cells: number[] = [];
  forCellsWithin(h, w, x, y, radius, (i) => cells.push(i));
  return cells;
}

/** Takes up to one person (1) of positive mass from the cells within `radius` of (x, y), nearest first; returns how much. */
function takeOnePerson(values: Float64Array, h: number, w: number, x: number, y: number, radius: number): number {
  const cells: Array<[number, number]> = [];
  forCellsWithin(h, w, x, y, radius, (i, d2) => {
    if (values[i] > 0) cells.push([d2, i]);
  });
  cells.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let left = 1;
  for (const [, i] of cells) {
    const take = Math.min(left, values[i]);
    values[i] -= take;
    left -= take;
    if (left <= 0) break;
  }
  return 1 - left;
}

function forCellsWithin(h: number, w: number, x: number, y: number, radius: number, visit: (index: number, distance2: number) => void): void {
  const r2 = radius * radius;
  for (let r = Math.max(0, Math.floor(y - radius)); r <= Math.min(h - 1, Math.ceil(y + radius)); r++) {
    for (let c = Math.max(0, Math.floor(x - radius)); c <= Math.min(w - 1, Math.ceil(x + radius)); c++) {
      const d2 = (c + 0.5 - x) ** 2 + (r + 0.5 - y) ** 2;
      if (d2 <= r2) visit(r * w + c, d2);
    }
  }
}

/**
 * A Gaussian-smoothed view of `source` that can be recomputed in a window
 * after the source changed there. Near the border the weights are
 * renormalised over the cells inside, so a flat map stays flat to its edges.
 */
function smoother(source: Float64Array, h: number, w: number, sigma: number) {
  const radius = sigma === 0 ? 0 : Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, i) => (sigma === 0 ? 1 : Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma))));
  const values = new Float64Array(h * w);
  const update = (r0: number, r1: number, c0: number, c1: number) => {
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        let sum = 0;
        let weight = 0;
        for (let i = Math.max(0, r - radius); i <= Math.min(h - 1, r + radius); i++) {
          const ki = kernel[i - r + radius];
          for (let j = Math.max(0, c - radius); j <= Math.min(w - 1, c + radius); j++) {
            const k = ki * kernel[j - c + radius];
            sum += k * source[i * w + j];
            weight += k;
          }
        }
        values[r * w + c] = sum / weight;
      }
    }
  };
  update(0, h - 1, 0, w - 1);
  return { values, radius, update };
}

/** The largest value of a map, kept per block so a local change rescans only its blocks. Excluded cells never win. */
class BlockMaxima {
  private readonly rows: number;
  private readonly cols: number;
  private readonly blockBest: Int32Array;
  private readonly excluded: Uint8Array;

  constructor(
    private readonly values: Float64Array,
    private readonly h: number,
    private readonly w: number,
  ) {
    this.rows = Math.ceil(h / BLOCK);
    this.cols = Math.ceil(w / BLOCK);
    this.blockBest = new Int32Array(this.rows * this.cols);
    this.excluded = new Uint8Array(h * w);
    this.update(0, h - 1, 0, w - 1);
  }

  /** The index of the largest value not excluded (the first in raster order among equals), or −1. */
  best(): number {
    let best = -1;
    for (const i of this.blockBest) {
      if (i >= 0 && (best < 0 || this.values[i] > this.values[best] || (this.values[i] === this.values[best] && i < best))) best = i;
    }
    return best;
  }

  exclude(cells: readonly number[]): void {
    let r0 = this.h;
    let r1 = -1;
    let c0 = this.w;
    let c1 = -1;
    for (const i of cells) {
      this.excluded[i] = 1;
      const r = Math.floor(i / this.w);
      const c = i % this.w;
      [r0, r1, c0, c1] = [Math.min(r0, r), Math.max(r1, r), Math.min(c0, c), Math.max(c1, c)];
    }
    if (r1 >= 0) this.update(r0, r1, c0, c1);
  }

  /** Rescans the blocks that cells [r0, r1] × [c0, c1] fall in. */
  update(r0: number, r1: number, c0: number, c1: number): void {
    for (let br = Math.floor(r0 / BLOCK); br <= Math.floor(r1 / BLOCK); br++) {
      for (let bc = Math.floor(c0 / BLOCK); bc <= Math.floor(c1 / BLOCK); bc++) {
        let best = -1;
        for (let r = br * BLOCK; r < Math.min(this.h, (br + 1) * BLOCK); r++) {
          for (let c = bc * BLOCK; c < Math.min(this.w, (bc + 1) * BLOCK); c++) {
            const i = r * this.w + c;
            if (!this.excluded[i] && (best < 0 || this.values[i] > this.values[best])) best = i;
          }
        }
        this.blockBest[br * this.cols + bc] = best;
      }
    }
  }
}

/** Points bucketed by cell, for "is any point within d?" in time independent of how many there are. */
class PointGrid {
  private readonly buckets = new Map<number, number[]>();

  constructor(
    private readonly h: number,
    private readonly w: number,
  ) {}

  add(x: number, y: number): void {
    const key = this.key(Math.floor(y), Math.floor(x));
    const bucket = this.buckets.get(key);
    if (bucket === undefined) this.buckets.set(key, [x, y]);
    else bucket.push(x, y);
  }

  anyWithin(x: number, y: number, distance: number): boolean {
    if (distance <= 0) return false;
    const d2 = distance * distance;
    for (let r = Math.max(0, Math.floor(y - distance)); r <= Math.min(this.h - 1, Math.floor(y + distance)); r++) {
      for (let c = Math.max(0, Math.floor(x - distance)); c <= Math.min(this.w - 1, Math.floor(x + distance)); c++) {
        const bucket = this.buckets.get(this.key(r, c));
        if (bucket === undefined) continue;
        for (let i = 0; i < bucket.length; i += 2) if ((bucket[i] - x) ** 2 + (bucket[i + 1] - y) ** 2 < d2) return true;
      }
    }
    return false;
  }

  private key(r: number, c: number): number {
    return Math.min(this.h - 1, Math.max(0, r)) * this.w + Math.min(this.w - 1, Math.max(0, c));
  }
}
