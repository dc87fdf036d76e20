import { MatFormatError } from '../errors.js';
import { describeValue } from './describe-value.js';
import type { MatNumericArray, MatValue } from './mat-value.js';
import { offsetOf } from './value-offsets.js';

/** A 2-D real numeric array, read as numbers whatever its class. */
export interface NumericMatrix {
  readonly rows: number;
  readonly cols: number;
  /** The value at 0-based (row, col); int64/uint64 beyond 2^53 lose precision. */
  get(row: number, col: number): number;
  /** All values, row by row: element (r, c) at r * cols + c. */
  toFloat64RowMajor(): Float64Array;
}

/**
 * `value` as a rows × cols matrix, e.g. an N×2 point list. It must be real
 * numeric (any class) with at most two dimensions other than trailing 1s;
 * otherwise MatFormatError names `source`, `name` and what the value is.
 */
export function numericMatrix(value: MatValue, source?: string, name = 'value'): NumericMatrix {
  const fail = (problem: string) => new MatFormatError('MAT_FORMAT', source, offsetOf(value), `${name} ${problem}, found ${describeValue(value)}`);
  if (value.kind !== 'numeric') throw fail('must be a numeric matrix');
  if (value.imag !== undefined) throw fail('must be real');
  if (value.dims.slice(2).some((dim) => dim !== 1)) throw fail('must have two dimensions');
  const [rows, cols] = value.dims;
  const real: MatNumericArray = value.real;
  return {
    rows,
    cols,
    get(row, col) {
      if (!(row >= 0 && row < rows && col >= 0 && col < cols)) throw new RangeError(`(${row}, ${col}) is outside ${rows}×${cols}`);
      return Number(real[row + rows * col]);
    },
    toFloat64RowMajor() {
      const out = new Float64Array(rows * cols);
      for (let c = 0; c < cols; c++) {
        for (let r = 0; r < rows; r++) out[r * cols + c] = Number(real[r + rows * c]);
      }
      return out;
    },
  };
}
