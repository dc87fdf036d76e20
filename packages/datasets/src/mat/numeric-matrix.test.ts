import { describe, expect, it } from 'vitest';
import { MatFormatError } from '../errors.js';
import { fixtureBytes } from '../../test/fixtures/mat/expected.js';
import type { MatValue } from './mat-value.js';
import { numericMatrix } from './numeric-matrix.js';
import { parseMatV5 } from './parse-mat-v5.js';

const vars = parseMatV5(fixtureBytes('numeric.mat'), 'numeric.mat').variables;

describe('numericMatrix', () => {
  it('turns a column-major N×2 double into rows', () => {
    const annPoints = parseMatV5(fixtureBytes('ucf_annpoints.mat')).variables.get('annPoints')!;
    const m = numericMatrix(annPoints, 'ucf_annpoints.mat', 'annPoints');
    expect([m.rows, m.cols]).toEqual([7, 2]);
    expect(m.get(0, 0)).toBe(10.5);
    expect(m.get(0, 1)).toBe(20.25);
    expect(m.get(6, 0)).toBe(-0.25);
    expect(Array.from(m.toFloat64RowMajor().subarray(0, 4))).toEqual([10.5, 20.25, 300.125, 40]);
  });

  it('reads any numeric class as numbers, 64-bit integers included', () => {
    expect(Array.from(numericMatrix(vars.get('u16')!).toFloat64RowMajor())).toEqual([0, 65535, 9, 1, 2, 3]);
    expect(numericMatrix(vars.get('i64')!).get(0, 1)).toBe(2 ** 63 - 1);
  });

  it('accepts empty matrices and trailing singleton dims', () => {
    const empty = numericMatrix({ kind: 'numeric', class: 'double', dims: [0, 2], real: new Float64Array(0) });
    expect([empty.rows, empty.cols, empty.toFloat64RowMajor().length]).toEqual([0, 2, 0]);
    const column = numericMatrix({ kind: 'numeric', class: 'single', dims: [3, 1, 1], real: Float32Array.of(1, 2, 3) });
    expect([column.rows, column.cols]).toEqual([3, 1]);
  });

  it('throws RangeError for an index outside the matrix', () => {
    expect(() => numericMatrix(vars.get('d')!).get(2, 0)).toThrow(RangeError);
  });

  it.each([
    ['a 3-D array', 'a3', 'must have two dimensions, found double 2×3×4'],
    ['a complex matrix', 'zd', 'must be real, found complex double 2×2'],
    ['a logical', 'L', 'must be a numeric matrix, found logical 2×3'],
  ])('rejects %s with MatFormatError naming file, value and offset', (_, name, message) => {
    let error: unknown;
    try {
      numericMatrix(vars.get(name) as MatValue, 'numeric.mat', name);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MatFormatError);
    expect(error).toMatchObject({ file: 'numeric.mat', code: 'MAT_FORMAT', message: expect.stringContaining(`numeric.mat: ${name} ${message}`) });
    expect((error as MatFormatError).offset).toBeGreaterThan(128);
  });
});
