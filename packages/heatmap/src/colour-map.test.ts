import { describe, expect, test } from 'vitest';
import { colourAt, colourTable } from './colour-map.js';

describe('colour maps', () => {
  test("endpoints are matplotlib's first and last table entries", () => {
    expect(colourAt('viridis', 0)).toEqual([68, 1, 84]);
    expect(colourAt('viridis', 1)).toEqual([253, 231, 37]);
    expect(colourAt('inferno', 0)).toEqual([0, 0, 4]);
    expect(colourAt('inferno', 1)).toEqual([252, 255, 164]);
    expect(colourAt('turbo', 0)).toEqual([48, 18, 59]);
    expect(colourAt('turbo', 1)).toEqual([122, 4, 3]);
  });

  test('control points at i/16 and linear in between', () => {
    expect(colourAt('viridis', 0.5)).toEqual([33, 145, 140]); // matplotlib entry 128
    expect(colourAt('viridis', 1 / 32)).toEqual([70, 12.5, 95]); // halfway between entries 0 and 16
    expect(colourAt('turbo', 15 / 16)).toEqual([172, 23, 1]);
  });

  test('t is clamped to [0, 1]; NaN reads as 0', () => {
    expect(colourAt('inferno', -3)).toEqual([0, 0, 4]);
    expect(colourAt('inferno', 7)).toEqual([252, 255, 164]);
    expect(colourAt('inferno', Number.NaN)).toEqual([0, 0, 4]);
  });

  test('colourTable: rounded RGB bytes from t = 0 to 1', () => {
    const table = colourTable('viridis', 33);
    expect(table).toHaveLength(99);
    expect(Array.from(table.subarray(0, 6))).toEqual([68, 1, 84, 70, 13, 95]);
    expect(Array.from(table.subarray(96))).toEqual([253, 231, 37]);
  });
});
