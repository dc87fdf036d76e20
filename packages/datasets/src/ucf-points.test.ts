import { expect, test } from 'vitest';
import { DatasetError } from './errors.js';
import type { MatFile, MatValue } from './mat/index.js';
import { ucfPoints } from './ucf-points.js';

function matFile(variables: Record<string, MatValue>): MatFile {
  return { header: 'MATLAB 5.0 MAT-file', version: 'v5', littleEndian: true, variables: new Map(Object.entries(variables)) };
}

test('reads annPoints N×2 column-major into interleaved x, y', () => {
  const annPoints: MatValue = { kind: 'numeric', class: 'double', dims: [3, 2], real: Float64Array.of(1, 2, 3, 10, 20, 30) };
  expect(Array.from(ucfPoints(matFile({ annPoints })))).toEqual([1, 10, 2, 20, 3, 30]);
});

test('a missing annPoints names the file and the variables found', () => {
  const run = () => ucfPoints(matFile({ image_info: { kind: 'cell', dims: [0, 0], cells: [] } }), 'img_0001_ann.mat');
  expect(run).toThrow(DatasetError);
  expect(run).toThrow('img_0001_ann.mat: expected a variable annPoints (UCF annotation); found image_info');
  expect(() => ucfPoints(matFile({}), 'x.mat')).toThrow('found no variables');
});

test('a wrongly shaped annPoints is an ANNOTATION_FORMAT error', () => {
  const annPoints: MatValue = { kind: 'numeric', class: 'double', dims: [5, 3], real: new Float64Array(15) };
  expect(() => ucfPoints(matFile({ annPoints }), 'x.mat')).toThrow(
    expect.objectContaining({ code: 'ANNOTATION_FORMAT', message: 'x.mat: annPoints must be an N×2 real numeric matrix of [x, y] rows; found double 5×3' }),
  );
});
