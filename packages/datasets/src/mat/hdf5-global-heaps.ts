/** "GCOL", the signature of an HDF5 global heap collection. */
const SIGNATURE = [0x47, 0x43, 0x4f, 0x4c];
/** Signature, version, 3 reserved bytes and the 8-byte collection size. */
const HEADER = 16;
/** Object index (2), reference count (2), reserved (4), size (8). */
const OBJECT_HEADER = 16;

/**
 * Walks every global heap collection in an HDF5 file (found by its "GCOL"
 * signature) the way HDF5 reads it, and says what is wrong with the first
 * inconsistent one, or undefined when all are sound.
 *
 * Why: MATLAB's variable-length attributes (a struct's MATLAB_fields) live in
 * global heaps, and HDF5 parses a collection by jumping from object to object
 * by their sizes. An object that claims index 0 (free space) and size 0 makes
 * it jump by nothing, forever: one corrupted size field made h5wasm spin in
 * C, where nothing in JavaScript can stop it. Assumes 8-byte lengths, as
 * MATLAB and h5wasm write.
 */
export function globalHeapProblem(bytes: Uint8Array): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = bytes.indexOf(SIGNATURE[0]); at >= 0 && at + HEADER <= bytes.length; at = bytes.indexOf(SIGNATURE[0], at + 1)) {
    if (bytes[at + 1] !== SIGNATURE[1] || bytes[at + 2] !== SIGNATURE[2] || bytes[at + 3] !== SIGNATURE[3] || bytes[at + 4] !== 1) continue;
    const size = Number(view.getBigUint64(at + 8, true));
    if (size < HEADER) return `the global heap at byte ${at} declares ${size} bytes, less than its header`;
    // What lies past the end of the file HDF5 reports as truncated; the walk stops there.
    const end = Math.min(at + size, bytes.length);
    for (let p = at + HEADER; p < end; ) {
      if (p + OBJECT_HEADER > end) break; // too small for an object: free space
      const index = view.getUint16(p, true);
      const objectSize = Number(view.getBigUint64(p + 8, true));
      const step = index === 0 ? objectSize : OBJECT_HEADER + Math.ceil(objectSize / 8) * 8;
      if (step === 0) return `the global heap at byte ${at} holds a free-space object of size 0 at byte ${p}`;
      if (step > at + size - p) return `the global heap at byte ${at} holds an object at byte ${p} of ${objectSize} bytes, past the heap's end`;
      p += step;
    }
  }
  return undefined;
}
