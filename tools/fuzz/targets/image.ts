import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '@crowd/datasets';
import { readImageRGB } from '@crowd/datasets/node';
import { fixture } from '@crowd/test-utils';
import sharp from 'sharp';
import type { FuzzTarget } from '../fuzz-target.ts';
import { scratchDir } from '../src/seed-files.ts';

/**
 * A 16 MP budget, not the 100 MP default: the header check is the same code,
 * and a mutated header below the budget is then decoded quickly (the
 * runner's time-out is per input).
 */
const MAX_PIXELS = 16_000_000;
let dir: string | undefined;

/** readImageRGB (sharp) on JPEG, PNG and WebP: the header, the pixel budget, then the decode. */
const target: FuzzTarget = {
  name: 'image',
  async seeds() {
    const jpegs = ['part_A/test_data/images/IMG_3.jpg', 'part_B/test_data/images/IMG_1.jpg'].map((path) => new Uint8Array(readFileSync(fixture('shanghaitech-mini', ...path.split('/')))));
    const pixels = sharp({ create: { width: 40, height: 24, channels: 4, background: { r: 200, g: 30, b: 90, alpha: 0.5 } } });
    const png = new Uint8Array(await pixels.clone().png().toBuffer());
    const webp = new Uint8Array(await pixels.clone().webp().toBuffer());
    const gray = new Uint8Array(await pixels.clone().toColourspace('b-w').png().toBuffer());
    return [...jpegs, png, webp, gray];
  },
  async run(bytes) {
    dir ??= scratchDir('image');
    const path = join(dir, 'fuzz.img');
    writeFileSync(path, bytes);
    const image = await readImageRGB(path, { maxPixels: MAX_PIXELS });
    return image.width * image.height;
  },
  // IMAGE_FORMAT (not an image, corrupt, truncated) or LIMIT_EXCEEDED (over the pixel budget).
  isExpectedError: (error) => error instanceof DatasetError,
};

export default target;
