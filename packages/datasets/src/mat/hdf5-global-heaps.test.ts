import { describe, expect, it } from 'vitest';
import { MatFormatError } from '../errors.js';
import { fixtureBytes } from '../../test/fixtures/mat/expected.js';
import { globalHeapProblem } from './hdf5-global-heaps.js';
import { readMat } from './read-mat.js';

/** v73_misc.mat with object 2 of its global heap (a struct's field name "name", 4 bytes) claiming `size` bytes. */
function corrupted(size: number): Uint8Array {
  const bytes = fixtureBytes('v73_misc.mat');
  const heap = Buffer.from(bytes).indexOf('GCOL');
  // Header 16 bytes, object 1 ("a": a 16-byte header and 8 bytes of data), then object 2's header.
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  expect(view.getUint16(heap + 40, true)).toBe(2);
  expect(Number(view.getBigUint64(heap + 48, true))).toBe(4);
  view.setBigUint64(heap + 48, BigInt(size), true);
  return bytes;
}

describe('globalHeapProblem', () => {
  it.each(['v73_misc', 'v73_shanghaitech', 'v73_ucf', 'v73_no_userblock'])('finds nothing wrong in %s.mat', (name) => {
    expect(globalHeapProblem(fixtureBytes(`${name}.mat`))).toBeUndefined();
  });

  it('finds the size-0 free-space object HDF5 would loop on forever, and an object past the heap end', () => {
    expect(globalHeapProblem(corrupted(132))).toBe('the global heap at byte 2560 holds a free-space object of size 0 at byte 2872');
    expect(globalHeapProblem(corrupted(5000))).toBe('the global heap at byte 2560 holds an object at byte 2600 of 5000 bytes, past the heap\'s end');
  });

  it('makes readMat refuse the file at once instead of hanging inside h5wasm (a fuzzer find: one size byte changed)', async () => {
    const error = await readMat(corrupted(132), 'fields.mat').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MatFormatError);
    expect(error).toMatchObject({ code: 'MAT_FORMAT', offset: 512 });
    expect((error as Error).message).toContain('fields.mat: corrupt v7.3 (HDF5) data: the global heap at byte 2560 holds a free-space object of size 0');
  });
});
