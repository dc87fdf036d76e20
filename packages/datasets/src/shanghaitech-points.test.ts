import { describe, expect, test } from 'vitest';
import { DatasetError } from './errors.js';
import type { MatFile, MatValue } from './mat/index.js';
import { shanghaiTechPoints } from './shanghaitech-points.js';

/** An N×2 double matrix from [x, y] rows, stored column-major as MATLAB does. */
function locations(rows: number[][]): MatValue {
  return { kind: 'numeric', class: 'double', dims: [rows.length, 2], real: Float64Array.from([...rows.map((r) => r[0]), ...rows.map((r) => r[1])]) };
}

function struct(fields: Record<string, MatValue>): MatValue {
  return { kind: 'struct', dims: [1, 1], fieldNames: Object.keys(fields), elements: [fields] };
}

function matFile(variables: Record<string, MatValue>): MatFile {
  return { header: 'MATLAB 5.0 MAT-file', version: 'v5', littleEndian: true, variables: new Map(Object.entries(variables)) };
}

/** The real files' shape: image_info = {struct('location', N×2, 'number', N)}. */
function groundTruth(location: MatValue): MatFile {
  const number: MatValue = { kind: 'numeric', class: 'uint16', dims: [1, 1], real: Uint16Array.of(location.dims[0]) };
  return matFile({ image_info: { kind: 'cell', dims: [1, 1], cells: [struct({ location, number })] } });
}

function errorOf(run: () => unknown): DatasetError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DatasetError);
    return error as DatasetError;
  }
  throw new Error('expected a DatasetError');
}

describe('shanghaiTechPoints', () => {
  test('reads image_info{1}.location column-major into interleaved x, y', () => {
    const points = shanghaiTechPoints(groundTruth(locations([[10.5, 20.25], [30, 40], [-0.5, 7]])));
    expect(Array.from(points)).toEqual([10.5, 20.25, 30, 40, -0.5, 7]);
  });

  test('accepts the struct without the wrapping cell', () => {
    const points = shanghaiTechPoints(matFile({ image_info: struct({ location: locations([[1, 2]]) }) }));
    expect(Array.from(points)).toEqual([1, 2]);
  });

  test('an empty location (0×2, or MATLAB [] as 0×0) is no heads', () => {
    expect(shanghaiTechPoints(groundTruth(locations([])))).toEqual(new Float64Array(0));
    const empty: MatValue = { kind: 'numeric', class: 'double', dims: [0, 0], real: new Float64Array(0) };
    expect(shanghaiTechPoints(groundTruth(empty)).length).toBe(0);
  });

  test('ignores trailing singleton dimensions and converts other numeric classes', () => {
    const location: MatValue = { kind: 'numeric', class: 'single', dims: [2, 2, 1], real: Float32Array.of(1, 3, 2, 4) };
    expect(Array.from(shanghaiTechPoints(groundTruth(location)))).toEqual([1, 2, 3, 4]);
  });

  test('names the file and what is missing or malformed', () => {
    const noVar = errorOf(() => shanghaiTechPoints(matFile({ annPoints: locations([[1, 2]]) }), 'GT_IMG_1.mat'));
    expect(noVar.code).toBe('ANNOTATION_FORMAT');
    expect(noVar.file).toBe('GT_IMG_1.mat');
    expect(noVar.message).toMatch(/GT_IMG_1\.mat: expected a variable image_info .*found annPoints/);

    const noLocation = errorOf(() => shanghaiTechPoints(matFile({ image_info: struct({ number: locations([]) }) }), 'a.mat'));
    expect(noLocation.message).toBe('a.mat: image_info has no field location (fields: number)');

    const threeColumns: MatValue = { kind: 'numeric', class: 'double', dims: [4, 3], real: new Float64Array(12) };
    expect(errorOf(() => shanghaiTechPoints(groundTruth(threeColumns), 'a.mat')).message).toBe(
      'a.mat: image_info{1}.location must be an N×2 real numeric matrix of [x, y] rows; found double 4×3',
    );

    const transposed: MatValue = { kind: 'numeric', class: 'double', dims: [2, 5], real: new Float64Array(10) };
    expect(errorOf(() => shanghaiTechPoints(groundTruth(transposed), 'a.mat')).message).toMatch(/found double 2×5 \(a transposed 2×N list\?\)/);

    const text: MatValue = { kind: 'char', dims: [1, 3], text: 'abc', rows: ['abc'] };
    expect(errorOf(() => shanghaiTechPoints(groundTruth(text), 'a.mat')).message).toMatch(/found char 1×3$/);

    const twoCells: MatValue = { kind: 'cell', dims: [1, 2], cells: [struct({}), struct({})] };
    expect(errorOf(() => shanghaiTechPoints(matFile({ image_info: twoCells }), 'a.mat')).message).toBe(
      'a.mat: expected image_info to be a 1×1 cell; found cell 1×2',
    );

    const structArray: MatValue = { kind: 'struct', dims: [1, 2], fieldNames: ['location'], elements: [{}, {}] };
    expect(errorOf(() => shanghaiTechPoints(matFile({ image_info: structArray }), 'a.mat')).message).toMatch(
      /expected image_info to be a 1×1 struct with a location field; found struct 1×2/,
    );
  });

  test('rejects non-finite coordinates and complex matrices', () => {
    const nan = errorOf(() => shanghaiTechPoints(groundTruth(locations([[1, 2], [NaN, 4]])), 'a.mat'));
    expect(nan.message).toBe('a.mat: image_info{1}.location row 2 is [NaN, 4]; coordinates must be finite numbers');

    const complex: MatValue = { kind: 'numeric', class: 'double', dims: [1, 2], real: Float64Array.of(1, 2), imag: Float64Array.of(0, 0) };
    expect(errorOf(() => shanghaiTechPoints(groundTruth(complex), 'a.mat')).message).toMatch(/found complex double 1×2$/);
  });
});
