import { charArray, codeUnits } from './char-array.js';
import { expectElement, readElement, type DataElement } from './data-element.js';
import type { MatBytes } from './mat-bytes.js';
import type { MatCell, MatChar, MatLogical, MatNumeric, MatNumericArray, MatNumericClass, MatSparse, MatStruct, MatValue } from './mat-value.js';
import { isNumericType, MI, miName, readNumeric } from './mi-types.js';
import { emptyDouble, toClassArray, toLogical } from './numeric-class.js';
import { indexArray, sparseProblem } from './sparse-check.js';
import { recordOffset } from './value-offsets.js';

/** Array classes (mxCLASS) that are not numeric. */
const MX = { CELL: 1, STRUCT: 2, OBJECT: 3, CHAR: 4, SPARSE: 5, FUNCTION: 16, OPAQUE: 17 } as const;

const MX_NUMERIC: Record<number, MatNumericClass> = {
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
};

const FLAG_COMPLEX = 0x800;
const FLAG_LOGICAL = 0x200;

/** Real files nest a few levels; a crafted one must not exhaust the stack. */
const MAX_DEPTH = 200;
/**
 * A struct with no fields takes no bytes per element, so its declared element
 * count cannot be checked against the bytes left; this caps it instead.
 */
const MAX_FIELDLESS_ELEMENTS = 1 << 16;

const INTEGER_TYPES: readonly number[] = [MI.INT8, MI.UINT8, MI.INT16, MI.UINT16, MI.INT32, MI.UINT32, MI.INT64, MI.UINT64];

export interface NamedValue {
  name: string;
  value: MatValue;
}

/** The body of one miMATRIX being read: sub-elements from `pos` up to `end`. */
interface Body {
  src: MatBytes;
  /** The value's MATLAB-style path for messages, e.g. "image_info{1}.location". */
  path: string;
  pos: number;
  end: number;
  depth: number;
}

/**
 * Parses an miMATRIX element: array flags, dimensions, name, then the data of
 * its class. `path` names it in errors; for a top-level variable pass
 * undefined and the array's own name is used (nested arrays have none).
 */
export function parseMatrix(src: MatBytes, element: DataElement, path: string | undefined, depth: number): NamedValue {
  if (depth > MAX_DEPTH) throw src.fail('MAT_FORMAT', element.at, `${path}: values nested more than ${MAX_DEPTH} deep`);
  // MATLAB writes an empty miMATRIX for [] (e.g. an empty cell element).
  if (element.start === element.end) return { name: '', value: recordOffset(emptyDouble(), src.fileOffset(element.at)) };

  const flagsElement = expectElement(src, element.start, element.end, [MI.UINT32], 'array flags');
  if (flagsElement.end - flagsElement.start < 8) throw src.fail('MAT_FORMAT', flagsElement.at, 'array flags need 8 bytes');
  const flags = src.u32(flagsElement.start);
  const dimsElement = expectElement(src, flagsElement.next, element.end, [MI.INT32], 'dimensions');
  const dims = readDims(src, dimsElement);
  const nameElement = expectElement(src, dimsElement.next, element.end, [MI.INT8, MI.UINT8], 'array name');
  const name = latin1(src.bytes.subarray(nameElement.start, nameElement.end));

  const body: Body = { src, path: path ?? name, pos: nameElement.next, end: element.end, depth };
  return { name, value: recordOffset(parseBody(body, flags, dims), src.fileOffset(element.at)) };
}

function parseBody(body: Body, flags: number, dims: number[]): MatValue {
  const mxClass = flags & 0xff;
  const complex = (flags & FLAG_COMPLEX) !== 0;
  const logical = (flags & FLAG_LOGICAL) !== 0;
  const numericClass = MX_NUMERIC[mxClass];
  if (numericClass !== undefined) return numeric(body, numericClass, dims, complex, logical);
  switch (mxClass) {
    case MX.CHAR:
      return char(body, dims);
    case MX.CELL:
      return cell(body, dims);
    case MX.STRUCT:
      return struct(body, dims);
    case MX.SPARSE:
      return sparse(body, dims, complex, logical);
    case MX.OBJECT:
      throw unsupported(body, `is a MATLAB object of class '${readLabel(body)}'; objects are not supported (save its fields as a struct)`);
    case MX.FUNCTION:
      throw unsupported(body, 'is a function handle, which is not supported');
    case MX.OPAQUE:
      readLabel(body); // the type system, 'MCOS'
      throw unsupported(body, `is an opaque MATLAB object of class '${readLabel(body)}' (string, table, datetime, ...), which is not supported`);
    default:
      throw fail(body, body.pos, `unknown array class ${mxClass}`);
  }
}

function fail(body: Body, pos: number, message: string, cause?: unknown) {
  return body.src.fail('MAT_FORMAT', pos, `${body.path}: ${message}`, cause);
}

function unsupported(body: Body, message: string) {
  return body.src.fail('MAT_UNSUPPORTED', body.pos, `${body.path} ${message}`);
}

function readDims(src: MatBytes, element: DataElement): number[] {
  const count = (element.end - element.start) / 4;
  if (!Number.isInteger(count) || count < 2) throw src.fail('MAT_FORMAT', element.at, `dimensions need at least 2 int32 values, found ${element.end - element.start} bytes`);
  const dims: number[] = [];
  for (let i = 0; i < count; i++) {
    const dim = src.i32(element.start + 4 * i);
    if (dim < 0) throw src.fail('MAT_FORMAT', element.at, `negative dimension ${dim}`);
    dims.push(dim);
  }
  return dims;
}

function product(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    if (byte === 0) break;
    text += String.fromCharCode(byte);
  }
  return text;
}

/** An miINT8 text element (an object's class name), for messages. */
function readLabel(body: Body): string {
  const element = expectElement(body.src, body.pos, body.end, [MI.INT8, MI.UINT8], 'class name');
  body.pos = element.next;
  return latin1(body.src.bytes.subarray(element.start, element.end));
}

/** Reads the next numeric data element, which must hold exactly `count` values. */
function readValues(body: Body, count: number, what: string): MatNumericArray {
  const element = readElement(body.src, body.pos, body.end, false);
  if (!isNumericType(element.type)) throw fail(body, element.at, `expected the ${what} as numeric data, found ${miName(element.type)}`);
  const values = readNumeric(body.src, element.type, element.start, element.end - element.start);
  if (values.length !== count) throw fail(body, element.at, `the ${what} has ${values.length} values, but the dimensions need ${count}`);
  body.pos = element.next;
  return values;
}

function numeric(body: Body, cls: MatNumericClass, dims: number[], complex: boolean, logical: boolean): MatNumeric | MatLogical {
  const count = product(dims);
  const real = readValues(body, count, 'real part');
  if (logical) return { kind: 'logical', dims, data: toLogical(real) };
  const value: MatNumeric = { kind: 'numeric', class: cls, dims, real: inClass(body, real, cls) };
  if (complex) value.imag = inClass(body, readValues(body, count, 'imaginary part'), cls);
  return value;
}

function inClass(body: Body, values: MatNumericArray, cls: MatNumericClass): MatNumericArray {
  const converted = toClassArray(values, cls);
  if (converted === null) throw fail(body, body.pos, `${cls} data stored as non-integer floating point`);
  return converted;
}

function char(body: Body, dims: number[]): MatChar {
  const count = product(dims);
  const element = readElement(body.src, body.pos, body.end, false);
  const units = charUnits(body, element, count);
  if (units.length !== count) throw fail(body, element.at, `char data holds ${units.length} characters, but the dimensions need ${count}`);
  body.pos = element.next;
  return charArray(dims, units);
}

/**
 * The characters of a char data element, one string each. MATLAB counts chars
 * in UTF-16 code units; scipy writes miUTF8 and counts code points. For UTF-8
 * and UTF-32 data, whichever count matches the dimensions is used.
 */
function charUnits(body: Body, element: DataElement, count: number): string[] {
  const { src } = body;
  const byteLength = element.end - element.start;
  let text: string;
  switch (element.type) {
    case MI.UTF8:
      try {
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(src.bytes.subarray(element.start, element.end));
      } catch (error) {
        throw fail(body, element.at, 'char data is not valid UTF-8', error);
      }
      break;
    case MI.UTF16:
      return codeUnits(readNumeric(src, MI.UINT16, element.start, byteLength) as Uint16Array);
    case MI.UTF32: {
      const points = readNumeric(src, MI.UINT32, element.start, byteLength) as Uint32Array;
      const bad = points.findIndex((point) => point > 0x10ffff);
      if (bad >= 0) throw fail(body, element.at, `char data holds ${points[bad]}, which is not a Unicode code point`);
      text = Array.from(points, (point) => String.fromCodePoint(point)).join('');
      break;
    }
    default:
      // miUINT16 (what MATLAB writes), miUINT8 (Latin-1) or any other numeric type: one char per value.
      if (!isNumericType(element.type)) throw fail(body, element.at, `expected char data, found ${miName(element.type)}`);
      return codeUnits(Array.from(readNumeric(src, element.type, element.start, byteLength), Number));
  }
  const points = Array.from(text);
  return points.length === count ? points : text.split('');
}

/** Checks that `count` sub-elements (8 bytes each at least) can fit in what is left, before looping over them. */
function checkRoom(body: Body, count: number, what: string): void {
  if (count * 8 > body.end - body.pos) {
    throw fail(body, body.pos, `the dimensions declare ${count} ${what}, but only ${body.end - body.pos} bytes are left for them`);
  }
}

function nextMatrix(body: Body, path: string): MatValue {
  const element = expectElement(body.src, body.pos, body.end, [MI.MATRIX], path);
  body.pos = element.next;
  return parseMatrix(body.src, element, path, body.depth + 1).value;
}

function cell(body: Body, dims: number[]): MatCell {
  const count = product(dims);
  checkRoom(body, count, 'cells');
  const cells: MatValue[] = [];
  for (let i = 0; i < count; i++) cells.push(nextMatrix(body, `${body.path}{${i + 1}}`));
  return { kind: 'cell', dims, cells };
}

function struct(body: Body, dims: number[]): MatStruct {
  const { src } = body;
  const lengthElement = expectElement(src, body.pos, body.end, [MI.INT32], 'field name length');
  if (lengthElement.end - lengthElement.start < 4) throw fail(body, lengthElement.at, 'field name length needs 4 bytes');
  const nameLength = src.i32(lengthElement.start);
  const namesElement = expectElement(src, lengthElement.next, body.end, [MI.INT8, MI.UINT8], 'field names');
  const namesBytes = namesElement.end - namesElement.start;
  if (namesBytes > 0 && (nameLength <= 0 || namesBytes % nameLength !== 0)) {
    throw fail(body, namesElement.at, `${namesBytes} bytes of field names are not a whole number of ${nameLength}-byte names`);
  }
  const fieldNames: string[] = [];
  for (let pos = namesElement.start; pos < namesElement.end; pos += nameLength) {
    const name = latin1(src.bytes.subarray(pos, pos + nameLength));
    if (name === '' || fieldNames.includes(name)) throw fail(body, namesElement.at, `field name ${JSON.stringify(name)} is empty or repeated`);
    fieldNames.push(name);
  }
  body.pos = namesElement.next;

  const count = product(dims);
  if (fieldNames.length === 0 && count > MAX_FIELDLESS_ELEMENTS) throw fail(body, body.pos, `a struct array with no fields declares ${count} elements`);
  checkRoom(body, count * fieldNames.length, 'field values');
  const elements: Array<Record<string, MatValue>> = [];
  for (let i = 0; i < count; i++) {
    const prefix = count === 1 ? body.path : `${body.path}(${i + 1})`;
    // fromEntries defines own properties, so a field named "__proto__" cannot reach the prototype.
    elements.push(Object.fromEntries(fieldNames.map((field) => [field, nextMatrix(body, `${prefix}.${field}`)])));
  }
  return { kind: 'struct', dims, fieldNames, elements };
}

/** ir and jc: integer data (v5 sizes are int32, so larger indices cannot be valid). */
function readIndices(body: Body, what: string): Int32Array {
  const element = readElement(body.src, body.pos, body.end, false);
  if (!INTEGER_TYPES.includes(element.type)) throw fail(body, element.at, `expected the ${what} as integers, found ${miName(element.type)}`);
  const values = readNumeric(body.src, element.type, element.start, element.end - element.start);
  body.pos = element.next;
  return indexArray(values);
}

function sparse(body: Body, dims: number[], complex: boolean, logical: boolean): MatSparse {
  if (dims.length !== 2) throw fail(body, body.pos, `a sparse matrix needs 2 dimensions, found ${dims.length}`);
  const [rows, cols] = dims;
  const at = body.pos;
  const ir = readIndices(body, 'row indices (ir)');
  const jc = readIndices(body, 'column pointers (jc)');
  const problem = sparseProblem(rows, cols, ir, jc);
  if (problem !== undefined) throw fail(body, at, problem);
  const nonzeros = jc[cols];
  const value: MatSparse = {
    kind: 'sparse',
    dims,
    logical,
    rowIndices: ir.slice(0, nonzeros),
    colPointers: jc,
    real: sparseValues(body, nonzeros, 'real part'),
  };
  if (complex) value.imag = sparseValues(body, nonzeros, 'imaginary part');
  return value;
}

/** pr/pi: at least `nonzeros` values (MATLAB may write up to nzmax), as doubles. */
function sparseValues(body: Body, nonzeros: number, what: string): Float64Array {
  const element = readElement(body.src, body.pos, body.end, false);
  if (!isNumericType(element.type)) throw fail(body, element.at, `expected the ${what} as numeric data, found ${miName(element.type)}`);
  const values = readNumeric(body.src, element.type, element.start, element.end - element.start);
  if (values.length < nonzeros) throw fail(body, element.at, `the ${what} has ${values.length} values for ${nonzeros} nonzeros`);
  body.pos = element.next;
  const out = new Float64Array(nonzeros);
  for (let k = 0; k < nonzeros; k++) out[k] = Number(values[k]);
  return out;
}
