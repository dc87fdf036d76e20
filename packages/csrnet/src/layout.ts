/**
 * Conv weights are OIHW in PyTorch (and in every NamedTensors) and HWIO in
 * tfjs. These copy between the two in plain JavaScript, so conversion needs no
 * backend and costs nothing on the GPU.
 */

/** OIHW `[o, i, h, w]` data → HWIO `[h, w, i, o]` data. */
export function oihwToHwio(data: Float32Array, [o, i, h, w]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  let src = 0;
  for (let a = 0; a < o; a++) {
    for (let b = 0; b < i; b++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) out[((y * w + x) * i + b) * o + a] = data[src++];
      }
    }
  }
  return out;
}

/** HWIO `[h, w, i, o]` data → OIHW `[o, i, h, w]` data. */
export function hwioToOihw(data: Float32Array, [h, w, i, o]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  let src = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let b = 0; b < i; b++) {
        for (let a = 0; a < o; a++) out[((a * i + b) * h + y) * w + x] = data[src++];
      }
    }
  }
  return out;
}

/** The HWIO shape of an OIHW shape; other ranks (biases) are unchanged. */
export function tfjsShape(shape: readonly number[]): number[] {
  return shape.length === 4 ? [shape[2], shape[3], shape[1], shape[0]] : [...shape];
}
