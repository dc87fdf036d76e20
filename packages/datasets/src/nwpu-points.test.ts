import { expect, test } from 'vitest';
import { nwpuPoints } from './nwpu-points.js';

test('reads points as interleaved x, y', () => {
  const json = JSON.stringify({ img_id: '0001.jpg', human_num: 2, points: [[1.5, 2.5], [3, 4]], boxes: [[0, 0, 3, 3], [1, 1, 5, 5]] });
  expect(Array.from(nwpuPoints(json))).toEqual([1.5, 2.5, 3, 4]);
});

test('an image with no people is empty', () => {
  expect(nwpuPoints('{"img_id":"0002.jpg","human_num":0,"points":[],"boxes":[]}').length).toBe(0);
});

test('a human_num that disagrees with the points is an error', () => {
  expect(() => nwpuPoints('{"human_num":3,"points":[[1,2]]}', 'jsons/0001.json')).toThrow(
    expect.objectContaining({ code: 'ANNOTATION_FORMAT', message: 'jsons/0001.json: human_num is 3 but points has 1 entries' }),
  );
});

test('invalid JSON and schema violations name the file and the field', () => {
  expect(() => nwpuPoints('{"human_num":', 'a.json')).toThrow(/^a\.json: expected NWPU-Crowd JSON; found invalid JSON/);
  expect(() => nwpuPoints('{"human_num":1}', 'a.json')).toThrow(/^a\.json: not an NWPU-Crowd annotation: points: /);
  expect(() => nwpuPoints('{"human_num":1,"points":[[1,"2"]]}', 'a.json')).toThrow(/points\.0\.1: /);
  expect(() => nwpuPoints('{"human_num":1,"points":[[1,2,3]]}', 'a.json')).toThrow(/points\.0: /);
  expect(() => nwpuPoints('{"human_num":-1,"points":[]}', 'a.json')).toThrow(/human_num: /);
  expect(() => nwpuPoints('[]', 'a.json')).toThrow(/\(root\): /);
});
