import { expect, test } from 'vitest';
import { splitListEntry } from './list-entry.js';

test.each([
  ['part_A/train_data/images/IMG_1.jpg', { kind: 'relative', parts: ['part_A', 'train_data', 'images', 'IMG_1.jpg'] }],
  ['part_A\\test_data\\images\\IMG_1.jpg', { kind: 'relative', parts: ['part_A', 'test_data', 'images', 'IMG_1.jpg'] }],
  ['./a\\b/../c.jpg', { kind: 'relative', parts: ['a', 'b', '..', 'c.jpg'] }],
  ['/data/ShanghaiTech/IMG_1.jpg', { kind: 'absolute', parts: ['data', 'ShanghaiTech', 'IMG_1.jpg'] }],
  ['//data//x.jpg', { kind: 'absolute', parts: ['data', 'x.jpg'] }],
  ['\\data\\x.jpg', { kind: 'absolute', parts: ['data', 'x.jpg'] }],
  ['C:\\Users\\me\\part_A\\IMG_1.jpg', { kind: 'drive', root: 'C', parts: ['Users', 'me', 'part_A', 'IMG_1.jpg'] }],
  ['d:/data/IMG_1.jpg', { kind: 'drive', root: 'D', parts: ['data', 'IMG_1.jpg'] }],
  ['C:IMG_1.jpg', { kind: 'drive', root: 'C', parts: ['IMG_1.jpg'] }],
  ['\\\\nas\\crowd\\part_A\\IMG_1.jpg', { kind: 'unc', root: 'nas/crowd', parts: ['part_A', 'IMG_1.jpg'] }],
])('%s', (entry, expected) => {
  expect(splitListEntry(entry)).toEqual(expected);
});
