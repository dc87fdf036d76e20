import { readFileSync } from 'node:fs';
import { DatasetError, parseMatV5, shanghaiTechPoints } from '@crowd/datasets';
import { fixture } from '@crowd/test-utils';
import type { FuzzTarget } from '../fuzz-target.ts';

const MAT_FIXTURES = new URL('../../../packages/datasets/test/fixtures/mat/', import.meta.url);

/**
 * parseMatV5 (plain and miCOMPRESSED, both byte orders) within its default
 * inflation budgets, then the ShanghaiTech reader where the layout fits.
 */
const target: FuzzTarget = {
  name: 'mat-v5',
  async seeds() {
    const names = ['numeric', 'numeric_z', 'char', 'nested', 'nested_z', 'sparse', 'empty', 'crafted_le', 'crafted_be', 'shanghaitech_n5_z', 'ucf_annpoints_z'];
    const files = names.map((name) => new Uint8Array(readFileSync(new URL(`${name}.mat`, MAT_FIXTURES))));
    return [...files, new Uint8Array(readFileSync(fixture('shanghaitech-mini', 'part_A', 'train_data', 'ground-truth', 'GT_IMG_1.mat')))];
  },
  run(bytes) {
    const mat = parseMatV5(bytes, 'fuzz.mat');
    return mat.variables.has('image_info') ? shanghaiTechPoints(mat, 'fuzz.mat').length : mat.variables.size;
  },
  // MatFormatError, LimitExceededError (over a budget) and ANNOTATION_FORMAT are all DatasetErrors.
  isExpectedError: (error) => error instanceof DatasetError,
};

export default target;
