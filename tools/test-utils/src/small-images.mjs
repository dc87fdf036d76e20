// Small, distinct photos for queue tests and benchmarks: crops and resizes of
// the bundled mini ShanghaiTech photos, made with sharp at run time (nothing
// stored). Plain JavaScript so that benchmarks run by bare Node can import it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const FIXTURES = new URL('../../fixtures/shanghaitech-mini/', import.meta.url);
const PHOTOS = ['A', 'B'].flatMap((part) => [
  ...[1, 2, 3].map((n) => `part_${part}/test_data/images/IMG_${n}.jpg`),
  ...(part === 'A' ? [1, 2, 3, 4] : [1, 2, 3]).map((n) => `part_${part}/train_data/images/IMG_${n}.jpg`),
]);
/** Output sizes, width × height: 64×64 up to 160×120, landscape and portrait. */
const SIZES = [
  [64, 64],
  [96, 72],
  [128, 96],
  [160, 120],
  [120, 80],
  [80, 120],
  [112, 112],
  [144, 96],
];

/**
 * Writes `count` JPEGs (quality 90) named `img-000.jpg`, … into `dir` and
 * returns their paths in order. Image i is a crop of photo i mod 13 at an
 * offset that moves with i, resized to SIZES[i mod 8] (64×64 to 160×120):
 * every image's bytes differ, and the same call always writes the same files.
 */
export async function writeSmallImages(dir, count) {
  mkdirSync(dir, { recursive: true });
  const paths = [];
  for (let i = 0; i < count; i++) {
    const photo = sharp(new URL(PHOTOS[i % PHOTOS.length], FIXTURES).pathname);
    const { width, height } = await photo.metadata();
    const [w, h] = SIZES[i % SIZES.length];
    // 80 % of the largest crop of the target's shape, moved 7 px right and 5 px down per round.
    const scale = 0.8 * Math.min(width / w, height / h);
    const [cropW, cropH] = [Math.floor(w * scale), Math.floor(h * scale)];
    const round = Math.floor(i / PHOTOS.length);
    const left = (round * 7) % (width - cropW + 1);
    const top = (round * 5) % (height - cropH + 1);
    const path = join(dir, `img-${String(i).padStart(3, '0')}.jpg`);
    await photo
      .extract({ left, top, width: cropW, height: cropH })
      .resize(w, h, { fit: 'fill' })
      .jpeg({ quality: 90 })
      .toFile(path);
    paths.push(path);
  }
  return paths;
}
