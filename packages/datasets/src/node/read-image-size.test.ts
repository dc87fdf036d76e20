import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { fixture } from '@crowd/test-utils';
import { describe, expect, test } from 'vitest';
import { DatasetError } from '../errors.js';
import { readImageRGB } from './read-image-rgb.js';
import { readImageSize } from './read-image-size.js';

describe('readImageSize', () => {
  test('reads the fixture sizes without decoding (347×261 is not a multiple of 8)', async () => {
    expect(await readImageSize(fixture('shanghaitech-mini', 'part_A', 'train_data', 'images', 'IMG_3.jpg'))).toEqual({ height: 261, width: 347 });
    expect(await readImageSize(fixture('shanghaitech-mini', 'part_A', 'test_data', 'images', 'IMG_3.jpg'))).toEqual({ height: 240, width: 320 });
  });

  test('EXIF orientation 6 swaps the sides, as readImageRGB does; exifOrientation:false keeps them', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'crowd-size-')), 'rotated.jpg');
    await sharp({ create: { width: 40, height: 24, channels: 3, background: { r: 9, g: 99, b: 199 } } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toFile(path);
    const decoded = await readImageRGB(path);
    expect(await readImageSize(path)).toEqual({ height: decoded.height, width: decoded.width });
    expect(await readImageSize(path)).toEqual({ height: 40, width: 24 });
    expect(await readImageSize(path, { exifOrientation: false })).toEqual({ height: 24, width: 40 });
  });

  test('a text file is an IMAGE_FORMAT error naming it', async () => {
    const path = fixture('shanghaitech-mini', 'part_A_train.json');
    await expect(readImageSize(path)).rejects.toThrow(DatasetError);
    await expect(readImageSize(path)).rejects.toThrow(/part_A_train\.json: expected a JPEG, PNG or WebP image/);
  });
});
