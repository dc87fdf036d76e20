import { readFileSync } from 'node:fs';
import { fixture, readNpy } from '@crowd/test-utils';
import type { DensityMap } from '../src/types.ts';

/** One `tools/fixtures/density/<name>.json` case (see tools/fixtures/README.md §3). */
export interface DensityCase {
  name: string;
  description: string;
  shape: [number, number];
  points: [number, number][];
  method: 'adaptive' | 'fixed';
  params: { sigma?: number; truncate: number; beta?: number; k?: number };
  points_on_grid: number;
  expected?: {
    npy: string;
    dtype: 'float32' | 'float64';
    sum: number;
    max: number;
    sigma_min_max?: [number, number];
    target8?: { npy: string; shape: [number, number]; dtype: string; sum: number };
  };
  expected_error?: { type: string; message: string };
  expected_if_dropped?: { npy: string; sum: number };
}

/** Every density case, in index.json order. */
export function densityCases(): DensityCase[] {
  const index = JSON.parse(readFileSync(fixture('density', 'index.json'), 'utf8')) as { name: string }[];
  return index.map(({ name }) => JSON.parse(readFileSync(fixture('density', `${name}.json`), 'utf8')) as DensityCase);
}

/** A reference `.npy` map from the density fixtures. */
export function readMap(file: string): DensityMap {
  const { shape, data } = readNpy(fixture('density', file));
  if (!(data instanceof Float32Array || data instanceof Float64Array) || shape.length !== 2) throw new Error(`${file}: not a 2-D float map`);
  return { height: shape[0], width: shape[1], data };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

export function maxAbs(a: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]));
  return max;
}

export function total(a: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i];
  return sum;
}
