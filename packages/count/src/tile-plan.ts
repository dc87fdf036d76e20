/** CSRNet's output stride: three 2×2 max-pools, so one output cell per 8×8 input pixels. */
export const OUTPUT_STRIDE = 8;

/** The tile side used when tiling is automatic. */
export const AUTO_TILE_SIZE = 1024;
/**
 * Context kept around each tile's counted region, in pixels: CSRNet's
 * receptive field is 284 px wide (10 front-end 3×3 convs over three pools
 * reach 92 px; six 3×3 convs with dilation 2 at stride 8 add 6 × 32), so a
 * margin of 142 px, rounded up to a multiple of 8, makes every counted cell
 * see exactly what it sees in an untiled pass: tiled and untiled maps are
 * equal (bit-identical on wasm in the tests). Smaller margins are faster and
 * approximate; the README gives the measured error.
 */
export const DEFAULT_TILE_MARGIN = 144;

/** One tile: what the network sees and which of its output cells are counted. */
export interface Tile {
  /** Input rectangle in image pixels; `x` and `y` are multiples of 8 so the tile's output grid lines up with the whole image's. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Counted output cells, in whole-image output coordinates: rows [row, row + rows), columns [col, col + cols). */
  row: number;
  col: number;
  rows: number;
  cols: number;
}

export interface TilePlan {
  /** The whole image's output grid: ⌊H/8⌋ × ⌊W/8⌋. */
  outHeight: number;
  outWidth: number;
  /** Row-major; their counted regions partition the output grid. */
  tiles: Tile[];
}

interface AxisSpan {
  start: number;
  end: number;
  keepStart: number;
  keepEnd: number;
}

/**
 * Splits one axis of `length` pixels into windows of `tile` pixels spread
 * evenly from edge to edge (the last one also takes the < 8 leftover pixels
 * the pools floor away, so edge cells see exactly what they see untiled).
 * Neighbouring windows overlap by at least 2·margin, and the boundary between
 * their counted cells sits in the middle of the overlap, so every counted cell
 * has ≥ margin pixels of real context on each side that is not the image edge.
 */
function planAxis(length: number, tile: number, margin: number): AxisSpan[] {
  const n = Math.floor(length / OUTPUT_STRIDE);
  const t = tile / OUTPUT_STRIDE;
  const m = margin / OUTPUT_STRIDE;
  if (n <= t) return [{ start: 0, end: length, keepStart: 0, keepEnd: n }];
  const count = 1 + Math.ceil((n - t) / (t - 2 * m));
  const starts = Array.from({ length: count }, (_, i) => Math.round((i * (n - t)) / (count - 1)));
  const bounds = starts.slice(1).map((next, i) => Math.floor((starts[i] + t + next) / 2));
  return starts.map((s, i) => ({
    start: s * OUTPUT_STRIDE,
    end: i === count - 1 ? length : (s + t) * OUTPUT_STRIDE,
    keepStart: i === 0 ? 0 : bounds[i - 1],
    keepEnd: i === count - 1 ? n : bounds[i],
  }));
}

/**
 * Tiles for a `height × width` image: one tile covering the whole image when
 * `tile` is undefined or the image fits in one, else a grid of `tile`-pixel
 * windows (see planAxis). `tile` and `margin` are multiples of 8 with
 * tile ≥ 2·margin + 8.
 */
export function planTiles(height: number, width: number, tile: number | undefined, margin: number = DEFAULT_TILE_MARGIN): TilePlan {
  for (const [name, value] of [
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(value) || value < OUTPUT_STRIDE) throw new RangeError(`image ${name} must be an integer ≥ ${OUTPUT_STRIDE} pixels, got ${value}`);
  }
  if (tile !== undefined) checkTiling(tile, margin);
  const rows = tile === undefined ? [{ start: 0, end: height, keepStart: 0, keepEnd: Math.floor(height / OUTPUT_STRIDE) }] : planAxis(height, tile, margin);
  const cols = tile === undefined ? [{ start: 0, end: width, keepStart: 0, keepEnd: Math.floor(width / OUTPUT_STRIDE) }] : planAxis(width, tile, margin);
  const tiles = rows.flatMap((r) =>
    cols.map((c) => ({
      x: c.start,
      y: r.start,
      width: c.end - c.start,
      height: r.end - r.start,
      row: r.keepStart,
      col: c.keepStart,
      rows: r.keepEnd - r.keepStart,
      cols: c.keepEnd - c.keepStart,
    }))
  );
  return { outHeight: Math.floor(height / OUTPUT_STRIDE), outWidth: Math.floor(width / OUTPUT_STRIDE), tiles };
}

/**
 * The tile side for an image: the user's; or none when the image fits in
 * `passPixels` (the engine's budget for one pass); or {@link AUTO_TILE_SIZE},
 * shrunk to a multiple of 8 whose square fits the budget.
 */
export function tileSizeFor(height: number, width: number, requested: number | undefined, passPixels: number): number | undefined {
  if (requested !== undefined) return requested;
  if (height * width <= passPixels) return undefined;
  const fitting = Math.floor(Math.sqrt(passPixels) / OUTPUT_STRIDE) * OUTPUT_STRIDE;
  return Math.min(AUTO_TILE_SIZE, fitting);
}

/** Throws a RangeError saying what is wrong with a tile size and margin. */
export function checkTiling(tile: number, margin: number): void {
  if (!Number.isInteger(margin) || margin < 0 || margin % OUTPUT_STRIDE !== 0)
    throw new RangeError(`the tile margin must be a multiple of ${OUTPUT_STRIDE} pixels ≥ 0, got ${margin}`);
  if (!Number.isInteger(tile) || tile % OUTPUT_STRIDE !== 0 || tile < 2 * margin + OUTPUT_STRIDE) {
    throw new RangeError(
      `the tile size must be a multiple of ${OUTPUT_STRIDE} pixels ≥ 2 × margin + ${OUTPUT_STRIDE} = ${2 * margin + OUTPUT_STRIDE}, got ${tile}`
    );
  }
}
