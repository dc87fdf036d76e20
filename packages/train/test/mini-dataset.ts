import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { densityMap } from '@crowd/density';
import { findSamples, readHeadPoints, readImageSize, writeDensityH5, type Sample } from '@crowd/datasets/node';
import { fixture } from '@crowd/test-utils';

/** A fresh temp copy of the bundled mini ShanghaiTech tree, without its reference `.h5` files. */
export function copyMiniShanghaiTech(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'crowd-train-')), 'shanghaitech-mini');
  cpSync(fixture('shanghaitech-mini'), dir, { recursive: true, filter: (source) => extname(source) !== '.h5' });
  return dir;
}

/** Writes each sample's count-preserving density `.h5` (what `crowd prepare` does: adaptive σ for Part A, σ = 15 for Part B). */
export async function prepareSamples(samples: readonly Sample[]): Promise<void> {
  for (const sample of samples) {
    const [points, size] = await Promise.all([readHeadPoints(sample), readImageSize(sample.image)]);
    await writeDensityH5(sample.density, densityMap(points, size, { kernel: sample.part === 'B' ? 'fixed' : 'adaptive' }));
  }
}

/** The mini tree, prepared, split into its train and test samples. */
export async function preparedMini(): Promise<{ root: string; train: Sample[]; test: Sample[] }> {
  const root = copyMiniShanghaiTech();
  const samples = await findSamples(root);
  await prepareSamples(samples);
  return { root, train: samples.filter((s) => s.split === 'train'), test: samples.filter((s) => s.split === 'test') };
}
