import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '@crowd/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LimitExceededError } from '../errors.js';
import { GIB, peakRss } from '../../test/peak-memory.js';
import { blackPng } from '../../test/png-bomb.js';
import { DEFAULT_MAX_PIXELS, resolveMaxPixels } from '../pixel-budget.js';
import { readImageRGB } from './read-image-rgb.js';
import { readImageSize } from './read-image-size.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowd-pixels-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<LimitExceededError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof LimitExceededError)) throw new Error(`expected a LimitExceededError, got ${String(error)}`);
  return error;
}

describe('the pixel budget of readImageRGB and readImageSize', () => {
  test('defaults to 100 MP and takes only positive integers', () => {
    expect(DEFAULT_MAX_PIXELS).toBe(100_000_000);
    expect(resolveMaxPixels(undefined)).toBe(100_000_000);
    expect(resolveMaxPixels(5)).toBe(5);
    for (const bad of [0, -5, 1.5, Number.NaN, Infinity]) expect(() => resolveMaxPixels(bad)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  test.each([
    [100_000, 2_000],
    [16_000, 16_000],
  ])('a %i×%i PNG (a few MB, hundreds of MB of pixels) is refused from its header, naming the budget and --max-pixels', async (width, height) => {
    const path = join(dir, `black-${width}x${height}.png`);
    await writeFile(path, blackPng(width, height));
    for (const read of [readImageRGB, readImageSize]) {
      const error = await rejection(read(path));
      expect(error).toMatchObject({ code: 'LIMIT_EXCEEDED', file: path, option: 'maxPixels', limit: 100_000_000, needed: width * height });
      expect(error.message).toBe(
        `${path}: the png image is ${width}×${height} = ${width * height} pixels, over the budget of 100000000 pixels (the maxPixels option; crowd CLI: --max-pixels ${width * height} reads it)`,
      );
    }
    expect(peakRss()).toBeLessThan(GIB);
  });

  test('a budget just below an image refuses it; one equal to it decodes it', async () => {
    const jpeg = fixture('shanghaitech-mini', 'part_A', 'train_data', 'images', 'IMG_3.jpg'); // 347×261 = 90567 pixels
    expect((await rejection(readImageRGB(jpeg, { maxPixels: 90_566 }))).needed).toBe(90_567);
    await rejection(readImageSize(jpeg, { maxPixels: 90_566 }));
    expect(await readImageSize(jpeg, { maxPixels: 90_567 })).toEqual({ height: 261, width: 347 });
    const rgb = await readImageRGB(jpeg, { maxPixels: 90_567 });
    expect([rgb.width, rgb.height, rgb.data.length]).toEqual([347, 261, 3 * 90_567]);
  });

  test('a raised budget decodes a large image (the generator is a valid PNG)', async () => {
    const path = join(dir, 'black-3000x1000.png');
    await writeFile(path, blackPng(3000, 1000));
    await rejection(readImageRGB(path, { maxPixels: 2_999_999 }));
    const rgb = await readImageRGB(path, { maxPixels: 3_000_000 });
    expect([rgb.width, rgb.height]).toEqual([3000, 1000]);
    expect(rgb.data.every((v) => v === 0)).toBe(true);
  });
});
