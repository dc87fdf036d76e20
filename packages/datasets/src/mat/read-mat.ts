import { hdf5SignatureOffset } from './hdf5-signature.js';
import type { MatReadOptions } from './mat-read-options.js';
import type { MatFile } from './mat-value.js';
import { parseMatV5 } from './parse-mat-v5.js';
import { readMatV73 } from './read-mat-v73.js';

/**
 * Reads any MAT-file MATLAB writes by default: v7.3 (HDF5, recognised by the
 * HDF5 signature at byte 512, or 0 for a plain HDF5 file) through h5wasm, and
 * v5/v6/v7 through parseMatV5. Bad input rejects with MatFormatError; data
 * that would inflate past `options`' budgets ({@link MAT_READ_DEFAULTS}) with
 * LimitExceededError.
 */
export async function readMat(bytes: Uint8Array, source?: string, options?: MatReadOptions): Promise<MatFile> {
  const hdf5At = hdf5SignatureOffset(bytes);
  return hdf5At === undefined ? parseMatV5(bytes, source, options) : readMatV73(bytes, hdf5At, source, options);
}
