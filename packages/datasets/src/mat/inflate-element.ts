import { Unzlib } from 'fflate';
import { MatFormatError } from '../errors.js';
import { MatBytes, type MatErrorCode } from './mat-bytes.js';
import type { DataElement } from './data-element.js';

/** DEFLATE cannot expand data more than 1032:1, so no honest stream holds more. */
const MAX_DEFLATE_RATIO = 1032;
/**
 * Compressed bytes fed per step. Each step inflates to at most ~1032× this, so
 * a stream that inflates past what its element declares is stopped after one
 * step's overshoot rather than after exhausting memory.
 */
const STEP = 16 * 1024;

/**
 * Inflates an miCOMPRESSED element: a zlib stream holding one complete data
 * element (in practice an miMATRIX). Returns exactly that element's bytes,
 * tag included, ready for readElement at offset 0.
 *
 * The stream is inflated step by step and stopped once the inner element's
 * declared length is reached, so neither a bogus length nor a zip bomb can make
 * it allocate more than the element needs; fflate's errors become
 * MatFormatErrors at the element's file offset.
 */
export function inflateElement(file: MatBytes, element: DataElement): MatBytes {
  const fail = (code: MatErrorCode, message: string, cause?: unknown) =>
    file.fail(code, element.at, `miCOMPRESSED element: ${message}`, cause);
  const compressedLength = element.end - element.start;
  const chunks: Uint8Array[] = [];
  let inflated = 0;
  let wanted = -1;
  const unzlib = new Unzlib((chunk) => {
    chunks.push(chunk);
    inflated += chunk.length;
  });
  try {
    for (let pos = element.start; pos < element.end && (wanted < 0 || inflated < wanted); pos += STEP) {
      const stop = Math.min(element.end, pos + STEP);
      unzlib.push(file.bytes.subarray(pos, stop), stop === element.end);
      if (wanted < 0 && inflated >= 8) {
        wanted = innerLength(file.littleEndian, concat(chunks, 8));
        if (wanted > compressedLength * MAX_DEFLATE_RATIO + 64) {
          throw fail('MAT_FORMAT', `the element inside declares ${wanted} bytes, more than ${compressedLength} compressed bytes can hold`);
        }
      }
    }
  } catch (error) {
    if (error instanceof MatFormatError) throw error;
    throw fail('MAT_FORMAT', `corrupt zlib stream (${error instanceof Error ? error.message : String(error)})`, error);
  }
  if (wanted < 0) throw fail('MAT_TRUNCATED', `inflates to ${inflated} bytes, too few for a data element tag`);
  if (inflated < wanted) throw fail('MAT_TRUNCATED', `inflates to ${inflated} bytes, but the element inside declares ${wanted}`);
  return new MatBytes(concat(chunks, wanted), file.littleEndian, file.source, element.at);
}

/** Total length (tag included) of the element whose tag is `tag`. */
function innerLength(littleEndian: boolean, tag: Uint8Array): number {
  const view = new DataView(tag.buffer, tag.byteOffset, 8);
  const word = view.getUint32(0, littleEndian);
  return word >>> 16 !== 0 ? 8 : 8 + view.getUint32(4, littleEndian);
}

/** The first `length` bytes of `chunks` as one array. */
function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let pos = 0;
  for (const chunk of chunks) {
    if (pos >= length) break;
    const part = chunk.subarray(0, length - pos);
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}
