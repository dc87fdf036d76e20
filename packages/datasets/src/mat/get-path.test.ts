import { describe, expect, it } from 'vitest';
import { fixtureBytes } from '../../test/fixtures/mat/expected.js';
import { getPath } from './get-path.js';
import { parseMatV5 } from './parse-mat-v5.js';

const nested = parseMatV5(fixtureBytes('nested.mat'), 'nested.mat');

describe('getPath', () => {
  it('follows cell, struct element and field steps with 1-based indices', () => {
    const sh = parseMatV5(fixtureBytes('shanghaitech_n5_z.mat'));
    expect(getPath(sh, 'image_info{1}.location')).toMatchObject({ kind: 'numeric', dims: [5, 2] });
    expect(getPath(nested, 'c{3}{2}.label')).toMatchObject({ kind: 'char', text: 'inner' });
    expect(getPath(nested, 'arr(2).b')).toMatchObject({ kind: 'char', text: 'yy' });
    expect(getPath(nested, 's.inner.x')).toMatchObject({ kind: 'numeric', dims: [1, 2] });
    expect(getPath(nested, 'arr(3)')).toMatchObject({ kind: 'struct', dims: [1, 1], fieldNames: ['a', 'b'] });
  });

  it.each([
    ['nope', 'no variable nope (the file holds: c, s, arr, grid, col)'],
    ['s{1}', 's{1}: needs a cell, but s is struct 1×1'],
    ['arr.a', 'arr.a: needs a 1×1 struct, but arr is struct 1×3'],
    ['arr(4)', 'arr(4): index 4 is outside 1..3, but arr is struct 1×3'],
    ['s.missing', 's.missing: no field missing (fields: inner, list, n), but s is struct 1×1'],
    ['c{1}(1)', 'c{1}(1): needs a struct array, but c{1} is double 1×1'],
  ])('rejects %s with MatFormatError', (path, message) => {
    expect(() => getPath(nested, path, 'nested.mat')).toThrow(expect.objectContaining({ code: 'MAT_FORMAT', message: expect.stringContaining(`nested.mat: ${message}`) }));
  });

  it('throws TypeError for a path it cannot parse', () => {
    expect(() => getPath(nested, 'c{x}')).toThrow(TypeError);
  });
});
