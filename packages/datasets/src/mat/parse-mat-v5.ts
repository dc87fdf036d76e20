import { MatFormatError } from '../errors.js';
import { readElement } from './data-element.js';
import { hdf5SignatureOffset } from './hdf5-signature.js';
import { inflateElement } from './inflate-element.js';
import { MatBytes } from './mat-bytes.js';
import { HEADER_LENGTH, readMatHeader } from './mat-header.js';
import { InflationBudget, resolveMatReadOptions, type MatReadOptions } from './mat-read-options.js';
import type { MatFile, MatValue } from './mat-value.js';
import { MI, miName } from './mi-types.js';
import { parseMatrix } from './parse-matrix.js';

/**
 * Parses a MAT-file of version 5 to 7 (v6 is uncompressed, v7 may hold
 * miCOMPRESSED elements), of either byte order. Synchronous and browser-safe.
 * Any malformed, truncated or unsupported input throws MatFormatError naming
 * `source` and the byte offset; a v7.3 (HDF5) file needs readMat.
 * Compressed elements are inflated within `options`' budgets
 * ({@link MAT_READ_DEFAULTS}); past them a LimitExceededError names the option.
 */
export function parseMatV5(bytes: Uint8Array, source?: string, options?: MatReadOptions): MatFile {
  const budget = new InflationBudget(resolveMatReadOptions(options), source);
  const hdf5At = hdf5SignatureOffset(bytes);
  if (hdf5At !== undefined) throw new MatFormatError('MAT_UNSUPPORTED', source, hdf5At, 'this is a MAT-file v7.3 (HDF5) — use readMat');
  const header = readMatHeader(bytes, source);
  if (header.version === 0x0200) {
    throw new MatFormatError('MAT_FORMAT', source, 124, 'the header says MAT-file v7.3 (HDF5), but there is no HDF5 signature at byte 512');
  }
  if (header.version !== 0x0100) {
    throw new MatFormatError('MAT_UNSUPPORTED', source, 124, `unknown MAT-file version 0x${header.version.toString(16).padStart(4, '0')} (v5 files have 0x0100)`);
  }

  const file = new MatBytes(bytes, header.littleEndian, source);
  const variables = new Map<string, MatValue>();
  for (let pos = HEADER_LENGTH; pos < bytes.length; ) {
    const element = readElement(file, pos, bytes.length, true);
    const src = element.type === MI.COMPRESSED ? inflateElement(file, element, budget) : file;
    const matrix = element.type === MI.COMPRESSED ? readElement(src, 0, src.length, true) : element;
    if (matrix.type !== MI.MATRIX) throw src.fail('MAT_FORMAT', matrix.at, `expected a variable (miMATRIX), found ${miName(matrix.type)}`);
    if (matrix.start === matrix.end) throw src.fail('MAT_FORMAT', matrix.at, 'a variable (miMATRIX) with no data');
    const { name, value } = parseMatrix(src, matrix, undefined, 0);
    // MATLAB stores its subsystem data (what objects need) as an unnamed array: not a variable.
    if (name !== '') variables.set(name, value);
    pos = element.next;
  }
  return { header: header.text, version: 'v5', littleEndian: header.littleEndian, variables };
}
