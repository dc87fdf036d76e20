import { densityMap, sumPool } from '@crowd/density';
import { describe, expect, test } from 'vitest';
import { patchWindow } from './crop-window.js';
import { TrainError } from './errors.js';
import { cropAndMirror } from './joint-transform.js';
import { trainingTarget } from './training-target.js';

const sum = (data: ArrayLike<number>) => Array.from(data).reduce((a, b) => a + b, 0);

/** A 48×64 image whose pixel (y, x) is (y, x, 7) and a density with one unit of mass per head, in the head's pixel. */
function scene(heads: Array<[number, number]>) {
  const height = 48;
  const width = 64;
  const data = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([y, x, 7], 3 * (y * width + x));
  // σ = 0.1 gives a kernel of radius 0: every head puts exactly 1 into its pixel.
  const density = densityMap(heads, { height, width }, { kernel: 'fixed', sigma: 0.1 });
  return { image: { data, width, height }, density };
}

describe('cropAndMirror', () => {
  const heads: Array<[number, number]> = [[3.5, 2.5], [40.2, 10.7], [33, 30], [60.5, 47.5], [20, 20], [20.4, 20.9]];

  test("crops image and density together: the crop's density sums to the heads inside it, and so does its sum-pooled target", () => {
    const pair = scene(heads);
    const window = patchWindow({ kind: 'quarter', row: 0, col: 1 }, 48, 64, 'nine-patch'); // rows 0–23, columns 32–63
    const crop = cropAndMirror(pair, window, false);
    expect([crop.image.height, crop.image.width, crop.density.height, crop.density.width]).toEqual([24, 32, 24, 32]);
    const inside = heads.filter(([x, y]) => x >= 32 && y < 24).length;
    expect(inside).toBe(1);
    expect(sum(crop.density.data)).toBeCloseTo(inside, 6);
    expect(sum(trainingTarget(crop.density, 'sum').data)).toBeCloseTo(inside, 6);
    // Pixel (y, x) of the crop is pixel (y, x + 32) of the image.
    expect(Array.from(crop.image.data.subarray(3 * (5 * 32 + 4), 3 * (5 * 32 + 4) + 3))).toEqual([5, 36, 7]);
    expect(crop.density.data[10 * 32 + (40 - 32)]).toBeCloseTo(1, 6);

    const centre = cropAndMirror(pair, { top: 16, left: 16, height: 16, width: 16 }, false);
    expect(sum(centre.density.data)).toBeCloseTo(2, 6); // the two heads at (20, 20) and (20.4, 20.9)
  });

  test('mirroring flips image and density the same way and keeps the count', () => {
    const pair = scene(heads);
    const window = { top: 8, left: 10, height: 32, width: 40 };
    const plain = cropAndMirror(pair, window, false);
    const mirrored = cropAndMirror(pair, window, true);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 40; x++) {
        const a = y * 40 + x;
        const b = y * 40 + (39 - x);
        expect(mirrored.density.data[a]).toBe(plain.density.data[b]);
        expect(Array.from(mirrored.image.data.subarray(3 * a, 3 * a + 3))).toEqual(Array.from(plain.image.data.subarray(3 * b, 3 * b + 3)));
      }
    }
    // The head at (33, 30) is at column 23 of the crop, so at column 16 once mirrored.
    expect(mirrored.density.data[22 * 40 + 16]).toBeCloseTo(1, 6);
    expect(mirrored.image.data[3 * (22 * 40 + 16) + 1]).toBe(33);
    expect(sum(mirrored.density.data)).toBeCloseTo(sum(plain.density.data), 6);
    const inside = heads.filter(([x, y]) => x >= 10 && x < 50 && y >= 8 && y < 40).length;
    expect(inside).toBe(4);
    expect(sum(sumPool(mirrored.density).data)).toBeCloseTo(inside, 6);
  });

  test('keeps the density element type, which the bicubic target depends on', () => {
    const pair = scene(heads);
    const f64 = { ...pair, density: { ...pair.density, data: Float64Array.from(pair.density.data) } };
    expect(cropAndMirror(f64, { top: 0, left: 0, height: 16, width: 16 }, true).density.data).toBeInstanceOf(Float64Array);
    expect(cropAndMirror(pair, { top: 0, left: 0, height: 16, width: 16 }, true).density.data).toBeInstanceOf(Float32Array);
  });

  test('an image and density of different sizes, or a window outside them, is a DATA_INVALID error', () => {
    const pair = scene(heads);
    const small = { ...pair, density: { height: 40, width: 64, data: new Float32Array(40 * 64) } };
    expect(() => cropAndMirror(small, { top: 0, left: 0, height: 8, width: 8 }, false, 'x.jpg')).toThrow(
      new TrainError('DATA_INVALID', "expected the density map to match the image's 48×64 (H×W), found 40×64", { file: 'x.jpg' }),
    );
    expect(() => cropAndMirror(pair, { top: 40, left: 0, height: 16, width: 16 }, false)).toThrow('window 16×16 at (40, 0) lies outside the 48×64 image');
  });
});
