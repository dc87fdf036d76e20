import { DecodeAllowanceExceeded, zlibStreamLength } from './zlib-stream-length.js';

/**
 * Whether every zlib stream in `bytes` together inflates to at most `budget`
 * bytes. Streams are found by their two-byte header wherever it occurs and
 * measured without being inflated (zlibStreamLength), each stopped once the
 * running total passes the budget. Bytes that only look like a header are
 * almost always invalid within a few symbols and count nothing.
 *
 * Why: HDF5 inflates a compressed chunk into a buffer that it doubles until
 * the stream ends, and only then compares the result with the chunk's size,
 * so neither a dataset's declared shape nor its chunk size bounds the memory
 * a crafted chunk takes (a 6.8 MB file took h5wasm to 1.75 GB). The scan
 * costs time linear in the file and the budget, and allocates nothing per
 * stream; bytes made to decode at length from many starts (which no writer
 * produces) exhaust its step allowance and count as over budget.
 */
export function zlibStreamsWithin(bytes: Uint8Array, budget: number): boolean {
  // Legitimate data needs a step per output symbol (at most `budget`) plus a few per false start.
  const allowance = { steps: budget + 16 * bytes.length + 1024 };
  let total = 0;
  try {
    for (let at = 0; at + 2 <= bytes.length; at++) {
      // Deflate with any window zlib accepts (CM 8, CINFO ≤ 7): 0x08, 0x18, … 0x78.
      if ((bytes[at] & 0x8f) !== 0x08) continue;
      const stream = zlibStreamLength(bytes, at, budget - total, allowance);
      if (stream === undefined) continue;
      total += stream.length;
      if (total > budget) return false;
    }
  } catch (error) {
    if (error instanceof DecodeAllowanceExceeded) return false;
    throw error;
  }
  return true;
}
