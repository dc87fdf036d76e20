import { describe, expect, test } from 'vitest';
import { DEFAULT_PASS_PIXELS } from './density-engine.ts';
import { AUTO_TILE_SIZE, checkTiling, DEFAULT_TILE_MARGIN, planTiles, tileSizeFor, type TilePlan } from './tile-plan.ts';

/** Every output cell is counted by exactly one tile, and that tile's window contains it. */
function expectPartition(plan: TilePlan, height: number, width: number): void {
  const hits = new Uint8Array(plan.outHeight * plan.outWidth);
  for (const t of plan.tiles) {
    expect(t.x % 8).toBe(0);
    expect(t.y % 8).toBe(0);
    expect(t.x + t.width).toBeLessThanOrEqual(width);
    expect(t.y + t.height).toBeLessThanOrEqual(height);
    expect(t.row).toBeGreaterThanOrEqual(t.y / 8);
    expect(t.col).toBeGreaterThanOrEqual(t.x / 8);
    expect(t.row + t.rows).toBeLessThanOrEqual(t.y / 8 + Math.floor(t.height / 8));
    expect(t.col + t.cols).toBeLessThanOrEqual(t.x / 8 + Math.floor(t.width / 8));
    for (let r = t.row; r < t.row + t.rows; r++) for (let c = t.col; c < t.col + t.cols; c++) hits[r * plan.outWidth + c]++;
  }
  expect(hits.every((h) => h === 1)).toBe(true);
}

describe('planTiles', () => {
  test('without a tile size: one window over the whole image, output ⌊H/8⌋ × ⌊W/8⌋', () => {
    expect(planTiles(261, 347, undefined)).toEqual({
      outHeight: 32,
      outWidth: 43,
      tiles: [{ x: 0, y: 0, width: 347, height: 261, row: 0, col: 0, rows: 32, cols: 43 }],
    });
  });

  test('an image no larger than the tile (plus the < 8 pixels the pools drop) is one tile', () => {
    expect(planTiles(199, 192, 192, 64).tiles).toHaveLength(1);
    expect(planTiles(200, 192, 192, 64).tiles).toHaveLength(2);
  });

  test('512×384 in 192-px tiles with a 64-px margin: exact windows and counted regions', () => {
    const plan = planTiles(384, 512, 192, 64);
    // Rows: 48 cells, windows of 24 starting at 0, 8, 16, 24; boundaries mid-overlap at 16, 24, 32.
    // Columns: 64 cells, 1 + ⌈40 / 8⌉ = 6 windows starting at 0, 8, 16, 24, 32, 40.
    expect(plan.tiles).toHaveLength(24);
    const rows = plan.tiles.filter((t) => t.x === 0).map((t) => [t.y, t.height, t.row, t.rows]);
    expect(rows).toEqual([
      [0, 192, 0, 16],
      [64, 192, 16, 8],
      [128, 192, 24, 8],
      [192, 192, 32, 16],
    ]);
    const cols = plan.tiles.filter((t) => t.y === 0).map((t) => [t.x, t.col, t.cols]);
    expect(cols).toEqual([
      [0, 0, 16],
      [64, 16, 8],
      [128, 24, 8],
      [192, 32, 8],
      [256, 40, 8],
      [320, 48, 16],
    ]);
    expectPartition(plan, 384, 512);
  });

  test('the last window reaches the image edge, taking the pixels past the last full cell', () => {
    const plan = planTiles(300, 1003, 320, 144);
    const last = plan.tiles.at(-1)!;
    expect(last.x + last.width).toBe(1003);
    expect(last.y + last.height).toBe(300);
    expect(last.col + last.cols).toBe(125);
  });

  test('every counted cell has at least `margin` pixels of context on each side that is not the image edge', () => {
    for (const [height, width, tile, margin] of [
      [384, 512, 192, 64],
      [3000, 4000, 1024, 144],
      [777, 1501, 320, 144],
      [1080, 1920, 1024, 0],
      [65, 4096, 40, 16],
    ]) {
      const plan = planTiles(height, width, tile, margin);
      expectPartition(plan, height, width);
      for (const t of plan.tiles) {
        expect(t.width).toBeLessThanOrEqual(tile + 7);
        if (t.y > 0) expect(t.row * 8 - t.y).toBeGreaterThanOrEqual(margin);
        if (t.x > 0) expect(t.col * 8 - t.x).toBeGreaterThanOrEqual(margin);
        if (t.y + t.height < height) expect(t.y + t.height - (t.row + t.rows) * 8).toBeGreaterThanOrEqual(margin);
        if (t.x + t.width < width) expect(t.x + t.width - (t.col + t.cols) * 8).toBeGreaterThanOrEqual(margin);
      }
    }
  });

  test('4000×3000 with the automatic 1024-px tiles and the default margin: 6 × 4 tiles', () => {
    expect(planTiles(3000, 4000, tileSizeFor(3000, 4000, undefined, DEFAULT_PASS_PIXELS), DEFAULT_TILE_MARGIN).tiles).toHaveLength(24);
  });

  test('bad sizes are RangeErrors that say what is expected', () => {
    expect(() => planTiles(7, 100, undefined)).toThrow('image height must be an integer ≥ 8 pixels, got 7');
    expect(() => planTiles(100, 100, 100, 0)).toThrow('the tile size must be a multiple of 8 pixels');
    expect(() => planTiles(100, 100, 288, 144)).toThrow('≥ 2 × margin + 8 = 296, got 288');
    expect(() => checkTiling(1024, 12)).toThrow('the tile margin must be a multiple of 8 pixels ≥ 0, got 12');
  });
});

describe('tileSizeFor', () => {
  test('automatic: untiled up to the pixel budget, 1024-px tiles above it; an explicit size always wins', () => {
    expect(DEFAULT_PASS_PIXELS).toBe(2_000_000);
    expect(tileSizeFor(1000, 2000, undefined, DEFAULT_PASS_PIXELS)).toBeUndefined();
    expect(tileSizeFor(1000, 2001, undefined, DEFAULT_PASS_PIXELS)).toBe(AUTO_TILE_SIZE);
    expect(tileSizeFor(100, 100, 64, DEFAULT_PASS_PIXELS)).toBe(64);
  });

  test("an engine with a smaller budget (a GPU's buffer limit) gets the largest multiple of 8 whose square fits", () => {
    // 500 000 px: √ = 707.1 → 704.
    expect(tileSizeFor(1000, 1000, undefined, 500_000)).toBe(704);
    expect(704 * 704).toBeLessThanOrEqual(500_000);
    expect(tileSizeFor(700, 700, undefined, 500_000)).toBeUndefined();
  });
});
