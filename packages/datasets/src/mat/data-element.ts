import type { MatBytes } from './mat-bytes.js';
import { MI, miName } from './mi-types.js';

/** One v5 data element: its type and where its data lies. */
export interface DataElement {
  type: number;
  /** Offset of the tag. */
  at: number;
  /** Data bytes are [start, end). */
  start: number;
  end: number;
  /** Where the next element begins (after padding). */
  next: number;
}

/**
 * Reads the data element whose tag is at `pos`, which must lie wholly before
 * `limit` (the end of the file or of the enclosing miMATRIX).
 *
 * A tag is two 32-bit words (type, byte count) unless the upper half of the
 * first word is non-zero: then it is a small data element, with the byte count
 * (at most 4) in that upper half and the data in the second word.
 *
 * Data is padded to 8 bytes except after miCOMPRESSED; padding that would run
 * past `limit` is not required, so a last element written without it is read.
 */
export function readElement(src: MatBytes, pos: number, limit: number, inFile: boolean): DataElement {
  const container = inFile ? 'the file' : 'the enclosing miMATRIX';
  if (limit - pos < 8) {
    throw src.fail(inFile ? 'MAT_TRUNCATED' : 'MAT_FORMAT', pos, `expected an 8-byte data element tag, but ${container} ends ${limit - pos} bytes later`);
  }
  const word = src.u32(pos);
  const smallBytes = word >>> 16;
  if (smallBytes !== 0) {
    const type = word & 0xffff;
    if (smallBytes > 4) throw src.fail('MAT_FORMAT', pos, `small data element of ${miName(type)} claims ${smallBytes} bytes; at most 4 fit`);
    return { type, at: pos, start: pos + 4, end: pos + 4 + smallBytes, next: pos + 8 };
  }
  const type = word;
  const byteCount = src.u32(pos + 4);
  const start = pos + 8;
  if (byteCount > limit - start) {
    throw src.fail(
      inFile ? 'MAT_TRUNCATED' : 'MAT_FORMAT',
      pos,
      `a data element (${miName(type)}) declares ${byteCount} bytes, but ${container} has only ${limit - start} left`,
    );
  }
  const end = start + byteCount;
  const padded = type === MI.COMPRESSED ? end : end + ((8 - (byteCount % 8)) % 8);
  return { type, at: pos, start, end, next: Math.min(padded, limit) };
}

/** Reads the element at `pos` and checks that it has one of `types`; `what` names it in the error. */
export function expectElement(src: MatBytes, pos: number, limit: number, types: readonly number[], what: string): DataElement {
  const element = readElement(src, pos, limit, false);
  if (!types.includes(element.type)) {
    throw src.fail('MAT_FORMAT', pos, `expected ${what} as ${types.map(miName).join(' or ')}, found ${miName(element.type)}`);
  }
  return element;
}
