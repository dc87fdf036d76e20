import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { BACKENDS, useBackend } from '../test/backends.js';
import { registerCsrnetGradients } from './register-gradients.js';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
interface Case {
  x: [number, number, number, number];
  w: [number, number, number, number];
  stride: number;
  dilation: number | [number, number];
  pad: Pad;
}

const CASES: Case[] = [
  { x: [2, 7, 9, 3], w: [3, 3, 3, 4], stride: 1, dilation: 1, pad: 'same' },
  { x: [2, 7, 9, 3], w: [3, 3, 3, 4], stride: 1, dilation: 2, pad: 'same' },
  { x: [1, 11, 10, 2], w: [3, 3, 2, 3], stride: 1, dilation: 3, pad: 'same' },
  { x: [2, 9, 8, 2], w: [3, 3, 2, 2], stride: 1, dilation: [2, 1], pad: 'valid' },
  // tfjs sizes a numeric pad's output from the filter height alone, so that case needs a square filter.
  { x: [1, 8, 8, 2], w: [3, 3, 2, 3], stride: 1, dilation: 2, pad: 1 },
  {
    x: [1, 8, 9, 2],
    w: [3, 2, 2, 3],
    stride: 1,
    dilation: 2,
    pad: [
      [0, 0],
      [1, 3],
      [0, 2],
      [0, 0],
    ],
  },
  { x: [2, 5, 6, 4], w: [1, 1, 4, 1], stride: 1, dilation: 1, pad: 'same' },
  // Stride 2 goes to tfjs's own gradient (and on wasm to the added Conv2DBackpropFilter).
  { x: [2, 9, 7, 3], w: [3, 3, 3, 2], stride: 2, dilation: 1, pad: 'same' },
];

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

describe.each(BACKENDS)('Conv2D gradient vs central finite differences (%s)', (backend) => {
  beforeAll(async () => {
    registerCsrnetGradients();
    await useBackend(backend);
  });

  test.each(CASES)('x $x, w $w, stride $stride, dilation $dilation, pad $pad', (c) => {
    const xData = values(c.x.reduce((a, b) => a * b), 1);
    const wData = values(c.w.reduce((a, b) => a * b), 2);
    const conv = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.conv2d(x, w, c.stride, c.pad, 'NHWC', c.dilation);
    const outShape = tf.tidy(() => conv(tf.tensor4d(xData, c.x), tf.tensor4d(wData, c.w)).shape);
    const target = values(outShape.reduce((a, b) => a * b), 3);
    // The loss is quadratic in x and in w, so central differences are exact
    // up to rounding for any step; the loss is summed in float64 to keep that small.
    const loss = (x: Float32Array, w: Float32Array): number =>
      tf.tidy(() => {
        const y = conv(tf.tensor4d(x, c.x), tf.tensor4d(w, c.w)).dataSync();
        let s = 0;
        for (let i = 0; i < y.length; i++) s += (y[i] - target[i]) ** 2;
        return s;
      });
    const [gx, gw] = tf.tidy(() => {
      const f = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.squaredDifference(conv(x as tf.Tensor4D, w as tf.Tensor4D), tf.tensor(target, outShape)));
      return tf.grads(f)([tf.tensor4d(xData, c.x), tf.tensor4d(wData, c.w)]).map((g) => g.dataSync());
    });
    const eps = 0.25;
    const check = (analytic: Float32Array | Int32Array | Uint8Array, which: 'x' | 'w', indices: number[]) => {
      let scale = 0;
      for (const v of analytic) scale = Math.max(scale, Math.abs(v));
      let worst = 0;
      for (const i of indices) {
        const x = Float32Array.from(xData);
        const w = Float32Array.from(wData);
        const a = which === 'x' ? x : w;
        const v = a[i];
        a[i] = v + eps;
        const up = loss(x, w);
        a[i] = v - eps;
        const down = loss(x, w);
        worst = Math.max(worst, Math.abs((up - down) / (2 * eps) - analytic[i]));
      }
      expect(worst, `d loss / d ${which}`).toBeLessThan(1e-3 * scale);
    };
    const every = (n: number, step: number) => Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step);
    check(gw, 'w', every(wData.length, 1));
    check(gx, 'x', every(xData.length, 7));
  });
});

test('registerCsrnetGradients is idempotent and re-installs itself over a later registration', () => {
  registerCsrnetGradients();
  const ours = tf.getGradient('Conv2D');
  registerCsrnetGradients();
  expect(tf.getGradient('Conv2D')).toBe(ours);
  const other: tf.GradConfig = { kernelName: 'Conv2D', inputsToSave: ['x', 'filter'], gradFunc: () => ({}) };
  tf.registerGradient(other);
  registerCsrnetGradients();
  expect(tf.getGradient('Conv2D')).not.toBe(other);
  expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  tf.registerGradient(ours!);
});
