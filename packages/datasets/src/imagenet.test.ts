import { fixture, readNpy } from '@crowd/test-utils';
import { expect, test } from 'vitest';
import { IMAGENET_MEAN, IMAGENET_STD, normalizeImageNet } from './imagenet.js';

const expectedDir = 'shanghaitech-mini-expected';

test("matches torchvision's ToTensor + Normalize bit for bit on the same decoded bytes", () => {
  const decoded = readNpy(fixture(expectedDir, 'decoded_rgb_uint8_hwc.npy'));
  const expected = readNpy(fixture(expectedDir, 'normalised_rgb_nchw_f32.npy'));
  const [height, width] = decoded.shape;
  expect(expected.shape).toEqual([1, 3, height, width]);
  const nchw = normalizeImageNet({ data: decoded.data as Uint8Array, width, height }, { layout: 'nchw' });
  expect(nchw).toEqual(expected.data);
});

test('nhwc (the default) holds the same values channel-interleaved', () => {
  const rgb = { data: Uint8Array.of(0, 128, 255, 10, 20, 30), width: 2, height: 1 };
  const nchw = normalizeImageNet(rgb, { layout: 'nchw' });
  const nhwc = normalizeImageNet(rgb);
  for (let p = 0; p < 2; p++) for (let c = 0; c < 3; c++) expect(nhwc[p * 3 + c]).toBe(nchw[c * 2 + p]);
  expect(nhwc[0]).toBeCloseTo((0 - IMAGENET_MEAN[0]) / IMAGENET_STD[0], 6);
  expect(nhwc[2]).toBeCloseTo((1 - IMAGENET_MEAN[2]) / IMAGENET_STD[2], 6);
});

test('a byte count that does not match the size is an error', () => {
  expect(() => normalizeImageNet({ data: new Uint8Array(5), width: 2, height: 1 })).toThrow(
    expect.objectContaining({ code: 'IMAGE_FORMAT', message: 'normalizeImageNet: expected 6 bytes for a 2×1 RGB image; found 5' }),
  );
});
