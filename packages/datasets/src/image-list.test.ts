import { expect, test } from 'vitest';
import { parseImageList } from './image-list.js';

test('returns the paths as written', () => {
  expect(parseImageList('["part_A/train_data/images/IMG_1.jpg", "/abs/IMG_2.jpg"]')).toEqual(['part_A/train_data/images/IMG_1.jpg', '/abs/IMG_2.jpg']);
  expect(parseImageList('[]')).toEqual([]);
});

test('rejects anything but a JSON array of non-empty strings, naming the list', () => {
  expect(() => parseImageList('[', 'train.json')).toThrow(expect.objectContaining({ code: 'LIST_FORMAT', file: 'train.json' }));
  expect(() => parseImageList('{"images": []}', 'train.json')).toThrow('train.json: expected a JSON array of image paths; found object');
  expect(() => parseImageList('null', 'train.json')).toThrow('found null');
  expect(() => parseImageList('["a.jpg", 3]', 'train.json')).toThrow('train.json: entry 1 must be a non-empty path string; found 3');
  expect(() => parseImageList('["a.jpg", " "]', 'train.json')).toThrow('entry 1 must be a non-empty path string; found " "');
});
