import { fixture, readNpy } from '@crowd/test-utils';
import { expect, test } from 'vitest';
import { CsrnetError } from './errors.js';
import { normalizePixels } from './normalization.js';

test('ImageNet normalisation equals the reference’s float32 input bit for bit', () => {
  const rgb = readNpy(fixture('shanghaitech-mini-expected', 'decoded_rgb_uint8_hwc.npy'));
  const expected = readNpy(fixture('shanghaitech-mini-expected', 'normalised_rgb_nchw_f32.npy'));
  const [h, w] = rgb.shape;
  const ours = normalizePixels(rgb.data as Uint8Array, w, h);
  let mismatches = 0;
  for (let c = 0; c < 3; c++) for (let p = 0; p < h * w; p++) if (ours[3 * p + c] !== expected.data[c * h * w + p]) mismatches++;
  expect(mismatches).toBe(0);
});

test("layout 'chw' (ONNX, PyTorch) equals the reference's NCHW input bit for bit, RGBA too", () => {
  const rgb = readNpy(fixture('shanghaitech-mini-expected', 'decoded_rgb_uint8_hwc.npy'));
  const expected = readNpy(fixture('shanghaitech-mini-expected', 'normalised_rgb_nchw_f32.npy'));
  const [h, w] = rgb.shape;
  expect(normalizePixels(rgb.data as Uint8Array, w, h, undefined, 'chw')).toEqual(expected.data);
  const rgba = new Uint8Array(h * w * 4);
  for (let p = 0; p < h * w; p++) rgba.set((rgb.data as Uint8Array).subarray(3 * p, 3 * p + 3), 4 * p);
  expect(normalizePixels(rgba, w, h, undefined, 'chw')).toEqual(expected.data);
});

test('RGBA input (canvas ImageData) ignores alpha', () => {
  const rgba = Uint8ClampedArray.from([255, 0, 128, 7, 10, 20, 30, 255]);
  const rgb = Uint8Array.from([255, 0, 128, 10, 20, 30]);
  expect(normalizePixels(rgba, 2, 1)).toEqual(normalizePixels(rgb, 2, 1));
});

test('a buffer of the wrong size is INPUT_INVALID with the expected sizes', () => {
  expect(() => normalizePixels(new Uint8Array(10), 2, 2)).toThrow(CsrnetError);
  expect(() => normalizePixels(new Uint8Array(10), 2, 2)).toThrow('expected 12 (RGB) or 16 (RGBA) bytes for 2×2 pixels, found 10');
});
