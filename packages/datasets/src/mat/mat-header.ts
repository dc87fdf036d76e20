import { MatFormatError } from '../errors.js';
import type { MatErrorCode } from './mat-bytes.js';

export const HEADER_LENGTH = 128;
const TEXT_LENGTH = 116;

export interface MatHeader {
  /** The descriptive text, trailing blanks and NULs removed. */
  text: string;
  littleEndian: boolean;
  /** 0x0100 for v5/v7, 0x0200 for v7.3. */
  version: number;
}

/**
 * Reads the 128-byte header of a v5 (or v7.3) MAT-file: 116 bytes of text, 8
 * of subsystem data offset, the version and the endian indicator — 'IM' when
 * the writer was little-endian, 'MI' when big-endian. Explains what the file
 * looks like instead when it is not one (empty, v4, HTML, ...).
 */
export function readMatHeader(bytes: Uint8Array, source: string | undefined): MatHeader {
  const fail = (code: MatErrorCode, offset: number, message: string) => new MatFormatError(code, source, offset, message);
  if (bytes.length === 0) throw fail('MAT_TRUNCATED', 0, 'the file is empty');
  // A v5 file starts with text; a v4 file with a binary header whose first int32 has zero bytes.
  if (bytes.subarray(0, 4).includes(0)) {
    if (looksLikeV4(bytes)) {
      throw fail('MAT_UNSUPPORTED', 0, "this is a MATLAB v4 MAT-file, which is not supported; re-save it in MATLAB with save(file, '-v7')");
    }
    throw fail('MAT_FORMAT', 0, `not a MAT-file: ${preview(bytes)}`);
  }
  if (bytes.length < HEADER_LENGTH) {
    if ('MATLAB'.startsWith(latin1(bytes.subarray(0, 6)))) throw fail('MAT_TRUNCATED', bytes.length, `the 128-byte header ends after ${bytes.length} bytes`);
    throw fail('MAT_FORMAT', 0, `not a MAT-file (${bytes.length} bytes): ${preview(bytes)}`);
  }
  const indicator = latin1(bytes.subarray(126, 128));
  if (indicator !== 'IM' && indicator !== 'MI') {
    throw fail('MAT_FORMAT', 126, `not a MAT-file: expected the endian indicator 'IM' or 'MI', found ${JSON.stringify(indicator)}; ${preview(bytes)}`);
  }
  const littleEndian = indicator === 'IM';
  const version = new DataView(bytes.buffer, bytes.byteOffset + 124, 2).getUint16(0, littleEndian);
  const text = latin1(bytes.subarray(0, TEXT_LENGTH)).replace(/[\s\0]+$/, '');
  return { text, littleEndian, version };
}

/** v4's first int32 is MOPT: M (0-4) machine, O (0), P (0-5) precision, T (0-2) type; then rows, cols, imagf, name length. */
function looksLikeV4(bytes: Uint8Array): boolean {
  if (bytes.length < 20) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 20);
  return [true, false].some((littleEndian) => {
    const [mopt, rows, cols, imagf, nameLength] = [0, 4, 8, 12, 16].map((at) => view.getInt32(at, littleEndian));
    const [m, o, p, t] = [Math.floor(mopt / 1000), Math.floor(mopt / 100) % 10, Math.floor(mopt / 10) % 10, mopt % 10];
    return mopt >= 0 && m <= 4 && o === 0 && p <= 5 && t <= 2 && rows >= 0 && cols >= 0 && (imagf === 0 || imagf === 1) && nameLength > 0;
  });
}

/** The file's first bytes, printable, to say what it is instead: an HTML error page is a common one. */
function preview(bytes: Uint8Array): string {
  const head = latin1(bytes.subarray(0, 40)).replace(/[^\x20-\x7e]/g, '.');
  const html = /^\s*</.test(latin1(bytes.subarray(0, 64))) ? ' (an HTML or XML page?)' : '';
  return `it starts with ${JSON.stringify(head)}${html}`;
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}
