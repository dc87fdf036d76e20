/** MATLAB's numeric classes, named as MATLAB's `class()` names them. */
export type MatNumericClass = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

/** The typed array that holds a numeric class: Float64Array for 'double', ..., BigUint64Array for 'uint64'. */
export type MatNumericArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/**
 * A numeric array. `real` (and `imag` when complex) hold `dims` elements in
 * column-major order, as MATLAB stores them, in the array type of `class`
 * whatever narrower type the file stored them in.
 */
export interface MatNumeric {
  kind: 'numeric';
  class: MatNumericClass;
  dims: number[];
  real: MatNumericArray;
  imag?: MatNumericArray;
}

/** A logical array: one 0 or 1 per element, column-major. */
export interface MatLogical {
  kind: 'logical';
  dims: number[];
  data: Uint8Array;
}

/**
 * A char array. `rows` are its `dims[0]` rows (for more than two dims, the
 * array seen as dims[0] × the rest, column-major); `text` is the rows joined
 * with '\n', so a one-row string is just `text`. An empty char array (0×0,
 * 1×0, ...) has no rows and text ''.
 */
export interface MatChar {
  kind: 'char';
  dims: number[];
  text: string;
  rows: string[];
}

/** A cell array; `cells` column-major. */
export interface MatCell {
  kind: 'cell';
  dims: number[];
  cells: MatValue[];
}

/** A struct array; `elements` column-major, each with every name in `fieldNames`. */
export interface MatStruct {
  kind: 'struct';
  dims: number[];
  fieldNames: string[];
  elements: Array<Record<string, MatValue>>;
}

/**
 * A sparse matrix in compressed sparse column form: the nonzeros of column c
 * are at indices colPointers[c] .. colPointers[c+1]-1 of `rowIndices` (0-based
 * rows) and `real`/`imag`. MATLAB sparse matrices are double or logical.
 */
export interface MatSparse {
  kind: 'sparse';
  dims: number[];
  logical: boolean;
  rowIndices: Int32Array;
  colPointers: Int32Array;
  real: Float64Array;
  imag?: Float64Array;
}

/** One MATLAB value. `dims` always has at least two entries, as in MATLAB. */
export type MatValue = MatNumeric | MatLogical | MatChar | MatCell | MatStruct | MatSparse;

/** A parsed MAT-file. */
export interface MatFile {
  /** The descriptive text at the start of the file (trailing blanks removed). */
  header: string;
  version: 'v5' | 'v7.3';
  littleEndian: boolean;
  /** Variables by name, in the order the file holds them (v7.3: HDF5's name order). */
  variables: Map<string, MatValue>;
}
