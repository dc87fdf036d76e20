import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import type { CsrnetModel } from '../src/model.js';
import { seededGaussian } from '../src/seeded-gaussian.js';

/** An ONNX model in onnxruntime-node on its cpu provider. */
export function onnxSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
}

/** Runs the exported graph on one NCHW input and returns `density` with its dims. */
export async function runOnnx(session: ort.InferenceSession, input: Float32Array, dims: number[]): Promise<{ data: Float32Array; dims: number[] }> {
  const out = await session.run({ input: new ort.Tensor('float32', input, dims) });
  const density = out.density;
  return { data: density.data as Float32Array, dims: [...density.dims] };
}

/** A seeded N(0, 1) NCHW input `[n, 3, h, w]`. */
export function randomNchw(n: number, h: number, w: number, seed: number): Float32Array {
  const gaussian = seededGaussian(seed);
  return Float32Array.from({ length: n * 3 * h * w }, gaussian);
}

/**
 * tfjs's `predict` of the same NCHW input (transposed to NHWC), as NCHW data:
 * the output has one channel, so `[n, h, w, 1]` and `[n, 1, h, w]` share
 * their memory order.
 */
export function tfjsDensity(model: CsrnetModel, input: Float32Array, [n, c, h, w]: number[]): { data: Float32Array; dims: number[] } {
  const x = tf.tidy(() => tf.transpose(tf.tensor4d(input, [n, c, h, w]), [0, 2, 3, 1]) as tf.Tensor4D);
  const out = model.predict(x);
  const result = { data: out.dataSync() as Float32Array, dims: [out.shape[0], 1, out.shape[1], out.shape[2]] };
  tf.dispose([x, out]);
  return result;
}
