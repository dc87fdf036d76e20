import { Unzlib } from 'fflate';
import { DatasetError } from '../errors.js';
import { MatBytes, type MatErrorCode } from './mat-bytes.js';
import type { DataElement } from './data-element.js';
import type { InflationBudget } from './mat-read-options.js';

/** DEFLATE cannot expand data more than 1032:1, so no honest stream holds more. */
const MAX_DEFLATE_RATIO = 1032;
/**
 * Compressed bytes fed per step. A step inflates to at most ~1032× this
 * (4 MiB), so a stream that runs on past what its element declares is
 * stopped after one step's overshoot rather than after exhausting memory.
 */
const STEP = 4 * 1024;

/**
 * Inflates an miCOMPRESSED element: a zlib stream holding one complete data
 * element (in practice an miMATRIX). Returns exactly that element's bytes,
 * tag included, ready for readElement at offset 0.
 *
 * The inner element's declared length is read from the first inflated bytes
 * and charged to `budget` before the rest is inflated, so an over-budget
 * element is refused having inflated one step. The rest is inflated step by
 * step into a buffer of exactly that length and stopped once it is full, so
 * neither a bogus length nor a zip bomb makes it allocate more than the
 * element needs; fflate's errors become MatFormatErrors at the element's
 * file offset.
 *
 * @throws LimitExceededError when the element would exceed `budget`.
 */
export function inflateElement(file: MatBytes, element: DataElement, budget: InflationBudget): MatBytes {
  const fail = (code: MatErrorCode, message: string, cause?: unknown) =>
    file.fail(code, element.at, `miCOMPRESSED element: ${message}`, cause);
  const compressedLength = element.end - element.start;
  // Until the inner tag is known, chunks are kept; then they go straight into `out`.
  const head: Uint8Array[] = [];
  let out: Uint8Array | undefined;
  let inflated = 0;
  const unzlib = new Unzlib((chunk) => {
    if (out === undefined) head.push(chunk);
    else if (inflated < out.length) out.set(chunk.subarray(0, out.length - inflated), inflated);
    inflated += chunk.length;
  });
  try {
    for (let pos = element.start; pos < element.end && (out === undefined || inflated < out.length); pos += STEP) {
      const stop = Math.min(element.end, pos + STEP);
      unzlib.push(file.bytes.subarray(pos, stop), stop === element.end);
      if (out === undefined && inflated >= 8) {
        const wanted = innerLength(file.littleEndian, concat(head, 8));
        if (wanted > compressedLength * MAX_DEFLATE_RATIO + 64) {
          throw fail('MAT_FORMAT', `the element inside declares ${wanted} bytes, more than ${compressedLength} compressed bytes can hold`);
        }
        budget.take(wanted, compressedLength, `the miCOMPRESSED element at byte ${element.at}`);
        out = concat(head, wanted);
        head.length = 0;
      }
    }
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    throw fail('MAT_FORMAT', `corrupt zlib stream (${error instanceof Error ? error.message : String(error)})`, error);
  }
  if (out === undefined) throw fail('MAT_TRUNCATED', `inflates to ${inflated} bytes, too few for a data element tag`);
  if (inflated < out.length) throw fail('MAT_TRUNCATED', `inflates to ${inflated} bytes, but the element inside declares ${out.length}`);
  return new MatBytes(out, file.littleEndian, file.source, element.at);
}

/** Total length (tag included) of the element whose tag is `tag`. */
function innerLength(littleEndian: boolean, tag: Uint8Array): number {
  const view = new DataView(tag.buffer, tag.byteOffset, 8);
  const word = view.getUint32(0, littleEndian);
  return word >>> 16 !== 0 ? 8 : 8 + view.getUint32(4, littleEndian);
}

/** The first `length` bytes of `chunks` as one array (zero-filled past their end). */
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
