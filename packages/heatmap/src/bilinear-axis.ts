/** Per output index: the two source indices and the weight of the second. */
export interface BilinearAxis {
  lower: Int32Array;
  upper: Int32Array;
  weight: Float32Array;
}

/**
 * Bilinear sampling positions for resizing an axis of `source` samples to
 * `target`, pixel centres aligned (`align_corners=False`, as PyTorch's and
 * OpenCV's bilinear resize): output i reads source (i + ½)·source/target − ½,
 * clamped to the first and last sample, so each density cell's value lands
 * on its centre, ((c + ½)·target/source).
 */
export function bilinearAxis(source: number, target: number): BilinearAxis {
  const lower = new Int32Array(target);
  const upper = new Int32Array(target);
  const weight = new Float32Array(target);
  const scale = source / target;
  for (let i = 0; i < target; i++) {
    const f = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), source - 1);
    const i0 = Math.floor(f);
    lower[i] = i0;
    upper[i] = Math.min(i0 + 1, source - 1);
    weight[i] = f - i0;
  }
  return { lower, upper, weight };
}
