import { readFileSync } from 'node:fs';
import { DatasetError, readMat } from '@crowd/datasets';
import type { FuzzTarget } from '../fuzz-target.ts';

const MAT_FIXTURES = new URL('../../../packages/datasets/test/fixtures/mat/', import.meta.url);

/**
 * readMat on MAT v7.3 files (HDF5 through h5wasm, from bytes in its memory
 * file system), with the zlib scan and declared-size checks in front of it.
 */
const target: FuzzTarget = {
  name: 'mat-v73',
  async seeds() {
    return ['v73_ucf', 'v73_shanghaitech', 'v73_misc', 'v73_no_userblock'].map((name) => new Uint8Array(readFileSync(new URL(`${name}.mat`, MAT_FIXTURES))));
  },
  run: async (bytes) => (await readMat(bytes, 'fuzz.mat')).variables.size,
  isExpectedError: (error) => error instanceof DatasetError,
};

export default target;
