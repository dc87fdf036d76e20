import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { findSamples, readDensityH5, readHeadPoints } from '@crowd/datasets/node';
import { fixture } from '@crowd/test-utils';
import { describe, expect, test } from 'vitest';
import { CLI, copyMiniShanghaiTech, crowd } from '../../test/cli.ts';

/** Above Linux's largest pid (4194304), so never a running process. */
const DEAD_PID = 4_194_305;

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

  test('--max-pixels below an image fails it, naming the size, the budget and the flag', async () => {
    const root = copyMiniShanghaiTech();
    // part_A/test_data/images/IMG_2.jpg is 400×300 = 120000 pixels; IMG_1 and IMG_3 are 320×240.
    const run = await crowd(['prepare', join(root, 'part_A', 'test_data'), '--max-pixels', '119999', '--json']);
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ images: 3, written: 2, failed: 1 });
    const failed = summary.results.find((r: { status: string }) => r.status === 'failed');
    expect(failed.error).toBe(`${join(root, 'part_A', 'test_data', 'images', 'IMG_2.jpg')}: the jpeg image is 400×300 = 120000 pixels, over the budget of 119999 pixels (the maxPixels option; crowd CLI: --max-pixels 120000 reads it)`);
    const bad = await crowd(['prepare', root, '--max-pixels', '0']);
    expect(bad.stderr).toContain('--max-pixels must be a positive integer, got "0"');
  });

  test('removes the temp files an interrupted run left, and says so', async () => {
    const root = copyMiniShanghaiTech();
    const folder = join(root, 'part_A', 'train_data', 'ground-truth');
    const stale = join(folder, `.IMG_1.h5.${DEAD_PID}.0123abcd.tmp`);
    writeFileSync(stale, 'half an HDF5 file');
    const run = await crowd(['prepare', root, '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`crowd: warning: removed 1 stale temp file left by an interrupted run: ${stale}\n`);
    expect(JSON.parse(run.stdout)).toMatchObject({ written: expected.length, removedTempFiles: [stale] });
    expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  test('200,000 clicks on one spot (duplicated heads) are prepared at once, every one counted', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'crowd-duplicates-')), 'jhu');
    mkdirSync(join(root, 'train', 'images'), { recursive: true });
    mkdirSync(join(root, 'train', 'gt'));
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 0, g: 0, b: 0 } } }).jpeg().toFile(join(root, 'train', 'images', '0001.jpg'));
    writeFileSync(join(root, 'train', 'gt', '0001.txt'), '20.5 30.5 4 4 0 0\n'.repeat(200_000));
    const run = await crowd(['prepare', root, '--json', '--jobs', '1']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).results[0]).toMatchObject({ status: 'written', annotated: 200_000, used: 200_000 });
    const map = await readDensityH5(join(root, 'train', 'gt', '0001.h5'));
    // σ = 0 (every head has k co-located neighbours): all the mass in the head's pixel.
    expect(map.data[30 * 64 + 20]).toBe(200_000);
    const reference = JSON.parse((await crowd(['prepare', root, '--json', '--force', '--mode', 'reference'])).stdout);
    expect(reference.results[0]).toMatchObject({ status: 'written', annotated: 200_000, used: 1 });
  });

  test('SIGINT stops the workers, leaves no temp or partial file, and exits with 130', async () => {
    // JHU-Crowd++ layout: 0001 is quick; 0002–0004 (20,000 heads, σ 60) take seconds each.
    const root = join(mkdtempSync(join(tmpdir(), 'crowd-sigint-')), 'jhu');
    mkdirSync(join(root, 'train', 'images'), { recursive: true });
    mkdirSync(join(root, 'train', 'gt'));
    const black = await sharp({ create: { width: 1500, height: 1500, channels: 3, background: { r: 0, g: 0, b: 0 } } }).jpeg().toBuffer();
    for (const [n, heads] of [['0001', 3], ['0002', 20_000], ['0003', 20_000], ['0004', 20_000]] as const) {
      writeFileSync(join(root, 'train', 'images', `${n}.jpg`), black);
      const lines = Array.from({ length: heads }, (_, i) => `${(i * 37) % 1500} ${(i * 53) % 1500} 10 10 0 0`);
      writeFileSync(join(root, 'train', 'gt', `${n}.txt`), `${lines.join('\n')}\n`);
    }
    const child = spawn(process.execPath, [CLI, 'prepare', root, '--kernel', 'fixed', '--sigma', '60', '--jobs', '2'], { env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => {
      let sent = false;
      child.stdout.on('data', (d) => {
        stdout += d;
        // The first image is written: the workers are now on the slow ones. One Ctrl-C (a second exits at once).
        if (!sent && stdout.includes('0001.jpg')) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      child.on('close', (status) => resolve(status));
    });
    expect(stderr).toContain('crowd: prepare stopped by SIGINT');
    expect(code).toBe(130);
    expect(stdout).toMatch(/4 images, 3 heads: 1 written, 0 skipped, 0 failed, 3 not done \(interrupted\)/);
    expect(readdirSync(join(root, 'train', 'gt')).sort()).toEqual(['0001.h5', '0001.txt', '0002.txt', '0003.txt', '0004.txt']);
  });

  test('--help documents every option', async () => {
    const run = await crowd(['prepare', '--help']);
    expect(run.code).toBe(0);
    for (const flag of ['--mode', '--kernel', '--sigma', '--k', '--beta', '--force', '--json', '--jobs', '--max-pixels']) expect(run.stdout).toContain(flag);
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
