import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '@crowd/datasets';
import { readDensityH5 } from '@crowd/datasets/node';
import { fixture } from '@crowd/test-utils';
import type { FuzzTarget } from '../fuzz-target.ts';
import { scratchDir } from '../src/seed-files.ts';

const H5_FIXTURES = new URL('../../../packages/datasets/test/fixtures/h5/', import.meta.url);
let dir: string | undefined;

/**
 * readDensityH5 (h5wasm reads a path, so each input is written to a temp
 * file): the pixel budget, the declared size against the file size, and the
 * zlib scan before compressed data is read.
 */
const target: FuzzTarget = {
  name: 'density-h5',
  async seeds() {
    const files = ['density_f32', 'density_f64', 'density_f32_big_endian', 'density_f32_gzip'].map((name) => new Uint8Array(readFileSync(new URL(`${name}.h5`, H5_FIXTURES))));
    return [...files, new Uint8Array(readFileSync(fixture('shanghaitech-mini', 'part_B', 'test_data', 'ground-truth', 'IMG_1.h5')))];
  },
  async run(bytes) {
    dir ??= scratchDir('density-h5');
    const path = join(dir, 'fuzz.h5');
    writeFileSync(path, bytes);
    return (await readDensityH5(path)).data.length;
  },
  // DENSITY_FORMAT, or LIMIT_EXCEEDED for a shape over the pixel budget.
  isExpectedError: (error) => error instanceof DatasetError,
};

export default target;
