import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { fixture, readNpy } from '@crowd/test-utils';
import type { NamedTensors } from '../src/named-tensors.js';
import { readNeutralWeights, type NeutralWeightsManifest } from '../src/neutral-weights.js';

/** The ÷8 fixture model's manifest (tools/fixtures/csrnet/weights.json). */
export const smallManifest = JSON.parse(readFileSync(fixture('csrnet', 'weights.json'), 'utf8')) as NeutralWeightsManifest;

/** Tensors from a `.bin` laid out as the ÷8 fixture's weights.bin (weights, grads, weights after 3 steps). */
export function readSmallBin(...path: string[]): NamedTensors {
  return readNeutralWeights(smallManifest, new Uint8Array(readFileSync(fixture('csrnet', ...path))), { source: path.join('/') });
}

/** A `.npy` as float32 data. */
export function npyFloat32(...path: string[]): { shape: number[]; data: Float32Array } {
  const a = readNpy(fixture(...path));
  return { shape: a.shape, data: Float32Array.from(a.data) };
}

/** An NCHW `.npy` as an NHWC tensor. */
export function nhwcFromNchwNpy(...path: string[]): tf.Tensor4D {
  const { shape, data } = npyFloat32(...path);
  return tf.tidy(() => tf.transpose(tf.tensor4d(data, shape as [number, number, number, number]), [0, 2, 3, 1]));
}

/** max |a − b| and max |b| over two equal-length arrays. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): { diff: number; scale: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return { diff, scale };
}

/** The closed-form weights of tools/fixtures/csrnet-full-formula (its README, section 5), bit-exact. */
export function formulaTensor(seed: number, index: number, n: number, bound: number): Float32Array {
  const out = new Float32Array(n);
  const base = (Math.imul(seed, 0x9e3779b9) + Math.imul(index, 0x85ebca6b)) >>> 0;
  for (let i = 0; i < n; i++) {
    let x = (base + i) >>> 0;
    x ^= x >>> 16;
    x = Math.imul(x, 0x7feb352d);
    x ^= x >>> 15;
    x = Math.imul(x, 0x846ca68b);
    x ^= x >>> 16;
    x >>>= 0;
    out[i] = (2 * (x / 4294967296) - 1) * bound;
  }
  return out;
}
