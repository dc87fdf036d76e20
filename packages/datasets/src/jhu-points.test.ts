import { expect, test } from 'vitest';
import { jhuPoints } from './jhu-points.js';

test('keeps x and y of each "x y w h o b" line', () => {
  const text = '12 34 5 6 1 0\n56 78 9 10 2 1\n';
  expect(Array.from(jhuPoints(text))).toEqual([12, 34, 56, 78]);
});

test('an empty file, or blank lines, mean no heads; CRLF and tabs are fine', () => {
  expect(jhuPoints('').length).toBe(0);
  expect(jhuPoints('\n\n').length).toBe(0);
  expect(Array.from(jhuPoints('1\t2 3 4 5 6\r\n\r\n7 8 9 10 11 12\r\n'))).toEqual([1, 2, 7, 8]);
});

test('a line without six numbers names the file and line', () => {
  expect(() => jhuPoints('1 2 3 4 5 6\n1 2\n', 'gt/0001.txt')).toThrow(
    expect.objectContaining({ code: 'ANNOTATION_FORMAT', file: 'gt/0001.txt', message: 'gt/0001.txt: line 2: expected 6 numbers "x y w h o b"; found "1 2"' }),
  );
  expect(() => jhuPoints('1 2 3 4 5 x\n', 'a.txt')).toThrow('line 1: expected 6 numbers');
});
