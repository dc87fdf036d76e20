import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findSamples, readDensityH5, readHeadPoints } from '@crowd/datasets/node';
import { fixture } from '@crowd/test-utils';
import { describe, expect, test } from 'vitest';
import { copyMiniShanghaiTech, crowd } from '../../test/cli.ts';

interface ExpectedImage {
  image: string;
  h5: string;
  points_on_grid: number;
  number_in_mat: number;
  density_dtype: 'float32' | 'float64';
  density_sum: number;
  notes: string;
}
const expected = (JSON.parse(readFileSync(fixture('shanghaitech-mini-expected', 'expected.json'), 'utf8')) as { images: ExpectedImage[] }).images;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('crowd prepare', () => {
  test('--mode reference reproduces every reference .h5 of the mini ShanghaiTech tree', async () => {
    const root = copyMiniShanghaiTech();
    const run = await crowd(['prepare', root, '--mode', 'reference', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ images: expected.length, written: expected.length, skipped: 0, failed: 0 });
    for (const image of expected) {
      const row = summary.results.find((r: { image: string }) => r.image === join(root, image.image));
      expect(row).toMatchObject({ status: 'written', annotated: image.number_in_mat, used: image.points_on_grid });
      expect(row.count).toBeCloseTo(image.density_sum, 4);
      const ours = await readDensityH5(join(root, image.h5));
      const reference = await readDensityH5(fixture('shanghaitech-mini', image.h5));
      expect([ours.height, ours.width]).toEqual([reference.height, reference.width]);
      expect(ours.data.constructor.name).toBe(image.density_dtype === 'float32' ? 'Float32Array' : 'Float64Array');
      expect(maxAbsDiff(ours.data, reference.data)).toBeLessThanOrEqual(image.density_dtype === 'float32' ? 1e-6 : 1e-12);
    }
  });

  test('default (preserving) mode: each map sums to its in-image heads, printed per image', async () => {
    const root = copyMiniShanghaiTech();
    const run = await crowd(['prepare', root]);
    expect(run.code).toBe(0);
    const samples = await findSamples(root);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(expected.length + 1);
    expect(lines.at(-1)).toMatch(new RegExp(`^${expected.length} images, \\d+ heads: ${expected.length} written, 0 skipped, 0 failed in [\\d.]+ s$`));
    for (const image of expected) {
      const map = await readDensityH5(join(root, image.h5));
      let sum = 0;
      for (const v of map.data) sum += v;
      // Preserving mode drops heads outside [0, W) × [0, H) (the fixture's x ≥ W, y ≥ H and x < 0 points); all others count 1.
      const points = await readHeadPoints(samples.find((s) => s.image === join(root, image.image))!);
      let inImage = 0;
      for (let i = 0; i < points.length; i += 2) {
        if (points[i] >= 0 && points[i] < map.width && points[i + 1] >= 0 && points[i + 1] < map.height) inImage += 1;
      }
      expect(sum).toBeCloseTo(inImage, 3);
      expect(map.data).toBeInstanceOf(Float32Array);
      expect(run.stdout).toContain(`${image.image}  heads ${image.number_in_mat}  used ${inImage}  sum ${inImage.toFixed(2)}`);
    }
  });

  test('existing outputs are skipped unless --force', async () => {
    const root = copyMiniShanghaiTech();
    expect((await crowd(['prepare', root, '--json'])).code).toBe(0);
    const h5 = join(root, expected[0].h5);
    const before = statSync(h5).mtimeMs;
    const again = JSON.parse((await crowd(['prepare', root, '--json'])).stdout);
    expect(again).toMatchObject({ written: 0, skipped: expected.length });
    expect(statSync(h5).mtimeMs).toBe(before);
    const forced = JSON.parse((await crowd(['prepare', root, '--json', '--force'])).stdout);
    expect(forced).toMatchObject({ written: expected.length, skipped: 0 });
  });

  test('a corrupt and a missing annotation are reported by name; the other images are still written; exit code 1', async () => {
    const root = copyMiniShanghaiTech();
    const corrupt = join(root, 'part_A', 'train_data', 'ground-truth', 'GT_IMG_1.mat');
    writeFileSync(corrupt, readFileSync(corrupt).subarray(0, 200));
    const missing = join(root, 'part_B', 'test_data', 'ground-truth', 'GT_IMG_2.mat');
    rmSync(missing);
    const run = await crowd(['prepare', root, '--json']);
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ written: expected.length - 2, failed: 2 });
    const failures = summary.results.filter((r: { status: string }) => r.status === 'failed');
    expect(failures.map((f: { error: string }) => f.error).join('\n')).toContain('GT_IMG_1.mat');
    expect(failures.map((f: { error: string }) => f.error).join('\n')).toContain('GT_IMG_2.mat');
    expect(existsSync(join(root, 'part_A', 'train_data', 'ground-truth', 'IMG_2.h5'))).toBe(true);
    expect(existsSync(join(root, 'part_A', 'train_data', 'ground-truth', 'IMG_1.h5'))).toBe(false);
  });

  test('--help documents every option', async () => {
    const run = await crowd(['prepare', '--help']);
    expect(run.code).toBe(0);
    for (const flag of ['--mode', '--kernel', '--sigma', '--k', '--beta', '--force', '--json', '--jobs']) expect(run.stdout).toContain(flag);
  });

  test('bad option values and a missing dataset are clear errors', async () => {
    const bad = await crowd(['prepare', '.', '--sigma', '-3']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--sigma must be a positive number, got "-3"');
    const missing = await crowd(['prepare', '/nonexistent/dataset']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/dataset');
  });
});
