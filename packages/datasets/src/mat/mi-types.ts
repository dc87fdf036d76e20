import type { MatBytes } from './mat-bytes.js';
import type { MatNumericArray } from './mat-value.js';

/** v5 data element types (the "mi" types of the MAT-file format). */
export const MI = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  INT64: 12,
  UINT64: 13,
  MATRIX: 14,
  COMPRESSED: 15,
  UTF8: 16,
  UTF16: 17,
  UTF32: 18,
} as const;

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(MI).map(([name, code]) => [code, `mi${name}`]));

/** 'miDOUBLE' for 9, 'unknown type 42' for 42. */
export function miName(type: number): string {
  return NAMES[type] ?? `unknown data type ${type}`;
}

type NumericArrayConstructor = { new (buffer: ArrayBuffer, byteOffset: number, length: number): MatNumericArray; BYTES_PER_ELEMENT: number };

const NUMERIC: Record<number, NumericArrayConstructor> = {
  [MI.INT8]: Int8Array,
  [MI.UINT8]: Uint8Array,
  [MI.INT16]: Int16Array,
  [MI.UINT16]: Uint16Array,
  [MI.INT32]: Int32Array,
  [MI.UINT32]: Uint32Array,
  [MI.SINGLE]: Float32Array,
  [MI.DOUBLE]: Float64Array,
  [MI.INT64]: BigInt64Array,
  [MI.UINT64]: BigUint64Array,
};

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function isNumericType(type: number): boolean {
  return NUMERIC[type] !== undefined;
}

/**
 * The values of a numeric data element (`byteLength` bytes at `start`) in the
 * array type of its mi type. The bytes are copied, which also aligns them, and
 * swapped when the file's byte order is not the host's.
 */
export function readNumeric(src: MatBytes, type: number, start: number, byteLength: number): MatNumericArray {
  const Ctor = NUMERIC[type];
  if (Ctor === undefined) throw src.fail('MAT_FORMAT', start, `expected numeric data, found ${miName(type)}`);
  const size = Ctor.BYTES_PER_ELEMENT;
  if (byteLength % size !== 0) {
    throw src.fail('MAT_FORMAT', start, `${miName(type)} data of ${byteLength} bytes is not a whole number of ${size}-byte values`);
  }
  // Uint8Array's slice copies; a Node Buffer's `slice` would return a view into its shared pool.
  const copy = Uint8Array.prototype.slice.call(src.bytes, start, start + byteLength);
  if (size > 1 && src.littleEndian !== HOST_LITTLE_ENDIAN) {
    for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse();
  }
  return new Ctor(copy.buffer, 0, byteLength / size);
}
