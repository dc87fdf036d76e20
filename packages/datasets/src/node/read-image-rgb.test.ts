import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, readNpy } from '@crowd/test-utils';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readImageRGB } from './read-image-rgb.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowd-image-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a raw RGB(A) image through sharp and returns its path. */
async function make(name: string, pixels: number[], width: number, channels: 1 | 2 | 3 | 4, encode: (image: Sharp) => Sharp): Promise<string> {
  const height = pixels.length / channels / width;
  const path = join(dir, name);
  await encode(sharp(Uint8Array.from(pixels), { raw: { width, height, channels } })).toFile(path);
  return path;
}

describe('matches Pillow decoding of the reference JPEGs', () => {
  test.each([
    ['RGB', 'part_B/test_data/images/IMG_1.jpg', 'decoded_rgb_uint8_hwc.npy'],
    ['grayscale', 'part_A/test_data/images/IMG_3.jpg', 'decoded_gray_uint8_hwc.npy'],
  ])('%s %s', async (_, image, npy) => {
    const expected = readNpy(fixture('shanghaitech-mini-expected', npy));
    const rgb = await readImageRGB(fixture('shanghaitech-mini', image));
    expect([rgb.height, rgb.width, 3]).toEqual(expected.shape);
    expect(rgb.data).toBeInstanceOf(Uint8Array);
    let mismatches = 0;
    let maxDiff = 0;
    for (let i = 0; i < rgb.data.length; i++) {
      const diff = Math.abs(rgb.data[i] - expected.data[i]);
      if (diff > 0) mismatches++;
      maxDiff = Math.max(maxDiff, diff);
    }
    // Both use libjpeg-turbo, but builds may differ in IDCT/upsampling rounding.
    expect(maxDiff).toBeLessThanOrEqual(2);
    expect(mismatches / rgb.data.length).toBeLessThan(0.05);
  });
});

describe('readImageRGB', () => {
  // 4×2 image: left half red, right half blue. JPEG is lossy, so blocks are large and checks loose.
  const redBlue = (width: number, height: number) =>
    Array.from({ length: width * height }, (_, i) => ((i % width) < width / 2 ? [255, 0, 0] : [0, 0, 255])).flat();

  test('applies the EXIF orientation unless told not to', async () => {
    const path = await make('oriented.jpg', redBlue(32, 16), 32, 3, (image) => image.jpeg({ quality: 95 }).withMetadata({ orientation: 6 }));
    expect((await sharp(await readFile(path)).metadata()).orientation).toBe(6);
    const shown = await readImageRGB(path);
    // Orientation 6 means "rotate 90° clockwise to display": the left (red) half ends up on top.
    expect([shown.width, shown.height]).toEqual([16, 32]);
    const at = (image: { data: Uint8Array; width: number }, x: number, y: number) => Array.from(image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3));
    expect(at(shown, 8, 4)[0]).toBeGreaterThan(200);
    expect(at(shown, 8, 28)[2]).toBeGreaterThan(200);
    const stored = await readImageRGB(path, { exifOrientation: false });
    expect([stored.width, stored.height]).toEqual([32, 16]);
    expect(at(stored, 4, 8)[0]).toBeGreaterThan(200);
  });

  test('drops alpha without compositing and replicates gray', async () => {
    const rgba = await make('rgba.png', [10, 20, 30, 0, 40, 50, 60, 255], 2, 4, (image) => image.png());
    expect(await readImageRGB(rgba)).toEqual({ data: Uint8Array.of(10, 20, 30, 40, 50, 60), width: 2, height: 1 });
    const grayAlpha = await make('gray-alpha.png', [7, 0, 9, 128], 2, 2, (image) => image.png());
    expect(await readImageRGB(grayAlpha)).toEqual({ data: Uint8Array.of(7, 7, 7, 9, 9, 9), width: 2, height: 1 });
  });

  test('reads WebP and 16-bit PNG as 8-bit RGB', async () => {
    const webp = await make('lossless.webp', [1, 2, 3, 250, 251, 252], 2, 3, (image) => image.webp({ lossless: true }));
    expect(await readImageRGB(webp)).toEqual({ data: Uint8Array.of(1, 2, 3, 250, 251, 252), width: 2, height: 1 });
    const deep = await make('deep.png', [0, 128, 255], 1, 3, (image) => image.toColourspace('rgb16').png());
    expect((await sharp(await readFile(deep)).metadata()).depth).toBe('ushort');
    expect(await readImageRGB(deep)).toEqual({ data: Uint8Array.of(0, 128, 255), width: 1, height: 1 });
  });

  test('missing, corrupt, truncated and unsupported files are IMAGE_FORMAT errors naming the file', async () => {
    const missing = join(dir, 'missing.jpg');
    await expect(readImageRGB(missing)).rejects.toMatchObject({ code: 'IMAGE_FORMAT', file: missing, message: `${missing}: image file not found` });

    const garbage = join(dir, 'garbage.jpg');
    await writeFile(garbage, 'not an image at all');
    await expect(readImageRGB(garbage)).rejects.toMatchObject({ code: 'IMAGE_FORMAT', file: garbage });
    await expect(readImageRGB(garbage)).rejects.toThrow(/expected a JPEG, PNG or WebP image; cannot decode it/);

    const jpeg = await readFile(fixture('shanghaitech-mini', 'part_B/test_data/images/IMG_1.jpg'));
    const truncated = join(dir, 'truncated.jpg');
    await writeFile(truncated, jpeg.subarray(0, jpeg.length / 2));
    await expect(readImageRGB(truncated)).rejects.toMatchObject({ code: 'IMAGE_FORMAT', file: truncated });

    const gif = await make('image.gif', [1, 2, 3], 1, 3, (image) => image.gif());
    await expect(readImageRGB(gif)).rejects.toThrow(`${gif}: expected a JPEG, PNG or WebP image; found gif`);
  });
});
