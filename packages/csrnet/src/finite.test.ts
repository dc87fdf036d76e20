import { describe, expect, it } from 'vitest';
import { errorOf } from '../test/csrnet-error.ts';
import { assertFiniteTensors, firstNonFinite } from './finite.js';

describe('firstNonFinite', () => {
  it.each([
    [[], -1],
    [[0, -0, 1e38, -3.4e38, 1e-45], -1],
    [[1, Number.NaN, Infinity], 1],
    [[1, 2, -Infinity], 2],
  ])('%j → %i', (values, index) => {
    expect(firstNonFinite(Float32Array.from(values))).toBe(index);
  });
});

describe('assertFiniteTensors', () => {
  it('passes finite tensors', () => {
    expect(() => assertFiniteTensors([['a', { shape: [2], data: Float32Array.of(1, 2) }]], 'w.pth')).not.toThrow();
  });

  it('names the file, the first bad tensor, its element in flat and per-axis form, and how many are bad', () => {
    const data = new Float32Array(2 * 3 * 4);
    data[17] = Number.NaN;
    data[20] = Infinity;
    const error = errorOf(() =>
      assertFiniteTensors(
        [
          ['ok', { shape: [1], data: Float32Array.of(0) }],
          ['backend.0.weight', { shape: [2, 3, 4], data }],
          ['later', { shape: [1], data: Float32Array.of(Number.NaN) }],
        ],
        'w.pth',
      ),
    );
    expect(error.code).toBe('WEIGHTS_NOT_FINITE');
    expect(error.file).toBe('w.pth');
    expect(error.message).toBe(
      'w.pth: backend.0.weight [2,3,4] holds NaN at element 17 (index [1, 1, 1]); 2 of its 24 values are NaN or infinite. ' +
        'The file is corrupt, or the training run that saved it diverged: use an earlier checkpoint or download the file again',
    );
  });
});
