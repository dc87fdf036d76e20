import type { DensityMap } from './types.js';
import { checkDensityMap, checkFactor } from './validate.js';

/** OpenCV's Keys cubic constant for INTER_CUBIC. */
const A = -0.75;

/** Four clamped source indices and float32 weights per output index. */
interface CubicTaps {
  index: Int32Array;
  weight: Float32Array;
}

/**
 * cv2.resize's INTER_CUBIC taps along one axis. OpenCV derives the step as
 * 1 / (n_dst / n_src), rounds the source coordinate to float32 and evaluates
 * the weights in float32; each `f` below marks one of its float32 roundings.
 */
function cubicTaps(nSrc: number, nDst: number): CubicTaps {
  const f = Math.fround;
  const scale = 1 / (nDst / nSrc);
  const index = new Int32Array(4 * nDst);
  const weight = new Float32Array(4 * nDst);
  for (let d = 0; d < nDst; d++) {
    const fx = f((d + 0.5) * scale - 0.5);
    const sx = Math.floor(fx);
    const x = f(fx - sx);
    const x1 = f(x + 1);
    const w0 = f(f(f(f(f(f(A * x1) - 5 * A) * x1) + 8 * A) * x1) - 4 * A);
    const w1 = f(f(f(f(f((A + 2) * x) - (A + 3)) * x) * x) + 1);
    const y = f(1 - x);
    const w2 = f(f(f(f(f((A + 2) * y) - (A + 3)) * y) * y) + 1);
    const w3 = f(f(f(1 - w0) - w1) - w2);
    weight.set([w0, w1, w2, w3], 4 * d);
    for (let k = 0; k < 4; k++) index[4 * d + k] = Math.min(Math.max(sx - 1 + k, 0), nSrc - 1);
  }
  return { index, weight };
}

/**
 * The reference's 1/f training target, `cv2.resize(d, (W // f, H // f),
 * interpolation=INTER_CUBIC) * f²`, reproduced to float32 rounding: output
 * `floor(H/f) × floor(W/f)`; source step n_src / n_dst per axis (not f when
 * the size is not a multiple of f); 4 clamped taps with Keys a = -0.75
 * weights in float32; the horizontal pass, then the vertical; float32
 * arithmetic for a Float32Array map and float64 for a Float64Array map. The
 * reference's targets come out bit for bit (OpenCV 4.6, x86-64).
 *
 * It point-samples without antialiasing, so its sum is not the head count;
 * {@link sumPool} is the count-preserving alternative.
 *
 * @param factor Integer ratio of input to output size. @default 8
 */
export function resizeCubicTarget<T extends Float32Array | Float64Array>(map: DensityMap<T>, factor = 8): DensityMap<T> {
  checkDensityMap(map, 'map');
  checkFactor(factor, map);
  const { height, width, data } = map;
  const outHeight = Math.floor(height / factor);
  const outWidth = Math.floor(width / factor);
  const single = data instanceof Float32Array;
  const round = single ? Math.fround : (v: number) => v;
  const cols = cubicTaps(width, outWidth);
  const rows = cubicTaps(height, outHeight);

  const horizontal = single ? new Float32Array(height * outWidth) : new Float64Array(height * outWidth);
  const { index: ix, weight: w } = cols;
  for (let r = 0; r < height; r++) {
    const src = r * width;
    for (let d = 0; d < outWidth; d++) {
      const q = 4 * d;
      horizontal[r * outWidth + d] = round(
        round(round(round(data[src + ix[q]] * w[q]) + round(data[src + ix[q + 1]] * w[q + 1])) + round(data[src + ix[q + 2]] * w[q + 2])) +
          round(data[src + ix[q + 3]] * w[q + 3]),
      );
    }
  }

  // OpenCV's float32 vertical pass runs 4 columns at a time in SIMD (the x86
  // SSE baseline build), adding the taps last to first; the leftover columns go
  // through scalar code, first to last. Following both orders makes float32
  // targets bit-identical; the float64 pass is scalar only.
  const simdEnd = single ? outWidth - (outWidth % 4) : 0;
  const area = factor * factor;
  const out = single ? new Float32Array(outHeight * outWidth) : new Float64Array(outHeight * outWidth);
  for (let d = 0; d < outHeight; d++) {
    const q = 4 * d;
    const [s0, s1, s2, s3] = [0, 1, 2, 3].map((k) => rows.index[q + k] * outWidth);
    const [b0, b1, b2, b3] = rows.weight.subarray(q, q + 4);
    for (let c = 0; c < outWidth; c++) {
      const p0 = round(horizontal[s0 + c] * b0);
      const p1 = round(horizontal[s1 + c] * b1);
      const p2 = round(horizontal[s2 + c] * b2);
      const p3 = round(horizontal[s3 + c] * b3);
      const v = c < simdEnd ? round(p0 + round(p1 + round(p2 + p3))) : round(round(round(p0 + p1) + p2) + p3);
      out[d * outWidth + c] = round(v * area);
    }
  }
  return { height: outHeight, width: outWidth, data: out as T };
}
