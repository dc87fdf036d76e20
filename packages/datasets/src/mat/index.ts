export type { MatCell, MatChar, MatFile, MatLogical, MatNumeric, MatNumericArray, MatNumericClass, MatSparse, MatStruct, MatValue } from './mat-value.js';
export { parseMatV5 } from './parse-mat-v5.js';
export { readMat } from './read-mat.js';
export { numericMatrix, type NumericMatrix } from './numeric-matrix.js';
export { getPath } from './get-path.js';
export { MAT_READ_DEFAULTS, resolveMatReadOptions, type MatReadOptions, type ResolvedMatReadOptions } from './mat-read-options.js';
