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
export { maxDiff } from '@crowd/test-utils';
