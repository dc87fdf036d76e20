import { DatasetError } from './errors.js';
import { describeValue } from './mat/describe-value.js';
import type { MatValue } from './mat/index.js';

/**
 * Reads a MATLAB N×2 matrix of `[x, y]` rows into interleaved head points
 * (x0, y0, x1, y1, ...). MATLAB stores matrices column-major, so the N x
 * values come first, then the N y values.
 *
 * Any real numeric class is accepted (the datasets use double); an empty
 * matrix of any shape (MATLAB writes `[]` as 0×0) means no heads. A 2×N
 * matrix is rejected rather than guessed at, because a transposed list and a
 * genuine 2-point list are indistinguishable when N = 2.
 *
 * @param name how the caller found the matrix, e.g. `image_info{1}.location`, used in messages.
 */
export function pointsFromMatrix(value: MatValue, source: string | undefined, name: string): Float64Array {
  const expected = `${name} must be an N×2 real numeric matrix of [x, y] rows`;
  if (value.kind !== 'numeric' || value.imag !== undefined) {
    throw new DatasetError('ANNOTATION_FORMAT', source, `${expected}; found ${describeValue(value)}`);
  }
  const dims = [...value.dims];
  // MAT-files may carry trailing singleton dimensions (N×2×1); they do not change the layout.
  while (dims.length > 2 && dims[dims.length - 1] === 1) dims.pop();
  const count = dims.reduce((a, b) => a * b, 1);
  if (count === 0) return new Float64Array(0);
  const [rows, cols] = dims;
  if (dims.length !== 2 || cols !== 2) {
    const hint = dims.length === 2 && rows === 2 ? ' (a transposed 2×N list?)' : '';
    throw new DatasetError('ANNOTATION_FORMAT', source, `${expected}; found ${describeValue(value)}${hint}`);
  }
  const real = value.real;
  const out = new Float64Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    const x = Number(real[i]);
    const y = Number(real[rows + i]);
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new DatasetError('ANNOTATION_FORMAT', source, `${name} row ${i + 1} is [${x}, ${y}]; coordinates must be finite numbers`);
    }
    out[2 * i] = x;
    out[2 * i + 1] = y;
  }
  return out;
}
