import { readImageRGB } from '@crowd/datasets/node';
import { heatmapOverlay } from '@crowd/heatmap';
import { fixture, readNpy } from '@crowd/test-utils';
import sharp from 'sharp';
import { expect, test } from 'vitest';
import { heatmapLayout } from './heatmap-layout.ts';
import { renderHeatmap } from './render-heatmap.ts';

/** PyTorch's density for the full-width formula model on its 96×64 input_image.png: 8×12 cells. */
function fixtureDensity(name: string) {
  const { shape, data } = readNpy(fixture(name, 'output.npy'));
  return { height: shape[2], width: shape[3], data: Float32Array.from(data) };
}

test('the PNG shows heatmapOverlay composited over the photo, pixel for pixel (turbo by default), with the legend band below', async () => {
  const image = await readImageRGB(fixture('csrnet-full-formula', 'input_image.png'));
  const density = fixtureDensity('csrnet-full-formula');
  const png = await renderHeatmap(image, density, { count: 12.5, format: 'png' });
  const layout = heatmapLayout(image.width, image.height);
  const { data: picture, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height, info.channels]).toEqual([layout.width, layout.height, 3]);

  const overlay = heatmapOverlay(density, image.width, image.height);
  expect(overlay.vmax).toBeGreaterThan(0);
  const photoRegion = new Uint8Array(image.width * image.height * 3);
  for (let y = 0; y < image.height; y++) photoRegion.set(picture.subarray(y * layout.width * 3, (y * layout.width + image.width) * 3), y * image.width * 3);
  // The same overlay bytes through the same composite: exactly equal.
  const expected = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .composite([{ input: Buffer.from(overlay.rgba), raw: { width: image.width, height: image.height, channels: 4 }, top: 0, left: 0 }])
    .removeAlpha()
    .raw()
    .toBuffer();
  expect(Buffer.from(photoRegion).equals(expected)).toBe(true);
  // And that composite is a plain "over" blend: photo · (1 − α) + colour · α, within rounding.
  let worst = 0;
  let tinted = 0;
  for (let p = 0; p < image.width * image.height; p++) {
    const a = overlay.rgba[4 * p + 3] / 255;
    if (a > 0) tinted += 1;
    for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(photoRegion[3 * p + c] - Math.round(image.data[3 * p + c] * (1 - a) + overlay.rgba[4 * p + c] * a)));
  }
  expect(tinted).toBeGreaterThan(image.width * image.height * 0.5);
  expect(worst).toBeLessThanOrEqual(1);
});

test('another colour map is honoured; a density with no positive cell leaves the photo untouched', async () => {
  const image = await readImageRGB(fixture('csrnet', 'input_image.png'));
  const negative = { height: 8, width: 12, data: new Float32Array(96).fill(-0.5) };
  const png = await renderHeatmap(image, negative, { count: -48, format: 'png', colourMap: 'viridis' });
  const data = await sharp(png).extract({ left: 0, top: 0, width: image.width, height: image.height }).removeAlpha().raw().toBuffer();
  expect(Buffer.from(data).equals(Buffer.from(image.data))).toBe(true);
});
