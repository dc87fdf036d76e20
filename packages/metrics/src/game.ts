import { assertDensityMap, assertPositiveInteger, type DensityMap } from './density-map.js';
import { MetricsError } from './errors.js';

/** The size of the image the head points were annotated on, in pixels. */
export interface ImageSize {
  height: number;
  width: number;
}

/**
 * Grid Average Mean absolute Error (Guerrero-Gómez-Olmedo et al., 2015) of one
 * image at every level L = 0 … maxLevel.
 *
 * The image is split into a 2^L × 2^L grid of non-overlapping regions with
 * boundaries in image pixels: region (i, j) holds rows [Rᵢ, Rᵢ₊₁) and columns
 * [Cⱼ, Cⱼ₊₁), where Rᵢ = ⌊i·H / 2^L⌋ and Cⱼ = ⌊j·W / 2^L⌋. Then
 *
 *   GAME_L = Σ_{regions r} | Σ_{density cells in r} pred − #{head points in r} |
 *
 * and GAME_0 = |Σ pred − N| is the image's MAE term, N = points.length / 2.
 *
 * Assignment rules:
 * - A density cell (row r, column c) of an h × w map covers the image area
 *   scaled by H / h and W / w, and belongs wholly to the region holding its
 *   centre ((r + ½)·H/h, (c + ½)·W/w). When the map is the image size this is
 *   exact (cell = pixel); for CSRNet's H/8 × W/8 output it is exact whenever
 *   8·2^L divides H and W, and otherwise moves each straddling cell's mass to
 *   one side. The comparison is done in integers, so no rounding decides it.
 * - A head point (x = column, y = row) belongs to the region with
 *   Cⱼ ≤ x < Cⱼ₊₁ and Rᵢ ≤ y < Rᵢ₊₁; a point exactly on a boundary goes to the
 *   lower-right region. Points outside the image are clamped into it (x < 0 →
 *   first column of regions, x ≥ W → last), so every annotated head counts
 *   once and GAME_0 equals the MAE term computed from the annotation's count.
 *   (The CSRNet reference drops heads with x ≥ W or y ≥ H from its density
 *   maps; filter `points` first to reproduce that.)
 *
 * Because ⌊2i·H / 2^L⌋ = ⌊i·H / 2^(L−1)⌋, each level's regions are unions of
 * 2 × 2 regions of the next finer level, so the sums are taken once, on the
 * finest grid, and merged upwards.
 *
 * @param pred Predicted density, at the image's resolution or lower (any h × w).
 * @param points Head points interleaved x0, y0, x1, y1, … in image pixels.
 * @param image Size of the annotated image; 2^maxLevel must not exceed either side.
 * @param maxLevel Finest level L computed. @default 3
 * @returns `[GAME_0, GAME_1, …, GAME_maxLevel]`.
 */
export function gameErrors(pred: DensityMap, points: Float64Array, image: ImageSize, maxLevel = 3): number[] {
  assertDensityMap(pred, 'pred');
  assertPositiveInteger(image.height, 'image.height');
  assertPositiveInteger(image.width, 'image.width');
  assertMaxLevel(maxLevel);
  const parts = 2 ** maxLevel;
  if (parts > image.height || parts > image.width) {
    throw new MetricsError(
      'IMAGE_TOO_SMALL',
      `GAME(${maxLevel}) splits each side into ${parts} regions but image is ${image.height}×${image.width} (height×width); lower maxLevel`,
    );
  }
  if (points.length % 2 !== 0) {
    throw new MetricsError('BAD_SHAPE', `points must hold x, y pairs, got an odd length ${points.length}`);
  }

  const rowBounds = boundaries(image.height, parts);
  const colBounds = boundaries(image.width, parts);
  let predSums: Float64Array = new Float64Array(parts * parts);
  let headCounts: Float64Array = new Float64Array(parts * parts);

  const cellRow = cellRegions(pred.height, image.height, rowBounds);
  const cellCol = cellRegions(pred.width, image.width, colBounds);
  for (let r = 0; r < pred.height; r++) {
    const base = cellRow[r] * parts;
    const offset = r * pred.width;
    for (let c = 0; c < pred.width; c++) predSums[base + cellCol[c]] += pred.data[offset + c];
  }

  for (let k = 0; k < points.length; k += 2) {
    const x = points[k];
    const y = points[k + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new MetricsError('NOT_FINITE', `point ${k / 2} is (x ${x}, y ${y}); coordinates must be finite`);
    }
    headCounts[pointRegion(y, rowBounds) * parts + pointRegion(x, colBounds)]++;
  }

  const errors = new Array<number>(maxLevel + 1);
  let n = parts;
  for (let level = maxLevel; level >= 0; level--) {
    let error = 0;
    for (let k = 0; k < n * n; k++) error += Math.abs(predSums[k] - headCounts[k]);
    errors[level] = error;
    if (level > 0) {
      predSums = mergeQuads(predSums, n);
      headCounts = mergeQuads(headCounts, n);
      n /= 2;
    }
  }
  return errors;
}

/** Streaming dataset GAME: GAME_L = (1/n) Σ_images GAME_L(image) for L = 0 … maxLevel. */
export interface GameResult {
  /** Number of images added. */
  n: number;
  /** `game[L]` is the dataset GAME(L); `game[0]` is the MAE. */
  game: number[];
}

/** Accumulates {@link gameErrors} over a dataset without keeping the maps. */
export class GameMetrics {
  readonly maxLevel: number;
  #n = 0;
  #sums: number[];

  /** @param maxLevel Finest level L computed. @default 3 */
  constructor(maxLevel = 3) {
    assertMaxLevel(maxLevel);
    this.maxLevel = maxLevel;
    this.#sums = new Array<number>(maxLevel + 1).fill(0);
  }

  /** Adds one image and returns its `[GAME_0, …, GAME_maxLevel]`. */
  add(pred: DensityMap, points: Float64Array, image: ImageSize): number[] {
    const errors = gameErrors(pred, points, image, this.maxLevel);
    for (let level = 0; level <= this.maxLevel; level++) this.#sums[level] += errors[level];
    this.#n++;
    return errors;
  }

  /** The dataset GAME so far; throws `EMPTY` before the first `add`. */
  result(): GameResult {
    if (this.#n === 0) throw new MetricsError('EMPTY', 'GameMetrics.result() needs at least one image; none was added');
    return { n: this.#n, game: this.#sums.map((sum) => sum / this.#n) };
  }
}

function assertMaxLevel(maxLevel: number): void {
  if (!Number.isInteger(maxLevel) || maxLevel < 0) {
    throw new MetricsError('INVALID_OPTION', `maxLevel must be an integer ≥ 0, got ${maxLevel}`);
  }
}

/** ⌊i·size / parts⌋ for i = 0 … parts (strictly increasing because parts ≤ size). */
function boundaries(size: number, parts: number): Int32Array {
  const bounds = new Int32Array(parts + 1);
  for (let i = 0; i <= parts; i++) bounds[i] = Math.floor((i * size) / parts);
  return bounds;
}

/**
 * Region index of each of `cells` density cells along one axis of an image
 * `size` pixels long: the last i with bounds[i] ≤ centre, where
 * centre = (k + ½)·size/cells, i.e. 2·cells·bounds[i] ≤ (2k + 1)·size in integers.
 */
function cellRegions(cells: number, size: number, bounds: Int32Array): Int32Array {
  const regions = new Int32Array(cells);
  const last = bounds.length - 2;
  let i = 0;
  for (let k = 0; k < cells; k++) {
    while (i < last && 2 * cells * bounds[i + 1] <= (2 * k + 1) * size) i++;
    regions[k] = i;
  }
  return regions;
}

/** Region index of a coordinate: the last i with bounds[i] ≤ coord, clamped to the image. */
function pointRegion(coord: number, bounds: Int32Array): number {
  const parts = bounds.length - 1;
  const size = bounds[parts];
  let i = Math.min(parts - 1, Math.max(0, Math.floor((coord * parts) / size)));
  while (i < parts - 1 && bounds[i + 1] <= coord) i++;
  while (i > 0 && bounds[i] > coord) i--;
  return i;
}

/** Sums each 2 × 2 block of an n × n grid into an (n/2) × (n/2) grid. */
function mergeQuads(grid: Float64Array, n: number): Float64Array {
  const half = n / 2;
  const merged = new Float64Array(half * half);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) merged[(i >> 1) * half + (j >> 1)] += grid[i * n + j];
  }
  return merged;
}
