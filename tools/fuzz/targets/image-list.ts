import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '@crowd/datasets';
import { readImageList } from '@crowd/datasets/node';
import { fixture } from '@crowd/test-utils';
import type { FuzzTarget } from '../fuzz-target.ts';
import { scratchDir } from '../src/seed-files.ts';

let dir: string | undefined;

/**
 * readImageList on JSON list files: the JSON and entry checks, `/` and `\`
 * separators, and Windows drive and network paths resolved by their tail
 * (each input is written to a temp folder, whose files the tails look for).
 */
const target: FuzzTarget = {
  name: 'image-list',
  async seeds() {
    const lists = ['part_A_train.json', 'part_A_test.json', 'part_B_train.json', 'part_B_test.json'].map((name) => new Uint8Array(readFileSync(fixture('shanghaitech-mini', name))));
    const windows = ['part_A\\train_data\\images\\IMG_1.jpg', 'C:\\data\\ShanghaiTech\\fuzz.json', '\\\\nas\\crowd\\fuzz.json', 'part_A/./x/../IMG_2.jpg', '/abs/IMG_3.jpg', 'part_A\\train_data\\images\\IMG_1.jpg'];
    return [...lists, new TextEncoder().encode(JSON.stringify(windows))];
  },
  async run(bytes) {
    dir ??= scratchDir('image-list');
    const path = join(dir, 'fuzz.json');
    writeFileSync(path, bytes);
    return (await readImageList(path)).length;
  },
  isExpectedError: (error) => error instanceof DatasetError,
};

export default target;
