import { readFileSync } from 'node:fs';
import { fixture } from '@crowd/test-utils';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MatFormatError } from '../errors.js';
import { arrayTypeMismatches, asJson, expectedJson, fileAsJson, fixtureBytes, type ExpectedFile } from '../../test/fixtures/mat/expected.js';
import { doubleMatrix, element, matFile } from '../../test/fixtures/mat/v5-writer.js';
import { parseMatV5 } from './parse-mat-v5.js';
import type { MatValue } from './mat-value.js';

const SCIPY_FIXTURES = [
  'shanghaitech_n0_z',
  'shanghaitech_n1',
  'shanghaitech_n5',
  'shanghaitech_n5_z',
  'ucf_annpoints',
  'ucf_annpoints_z',
  'numeric',
  'numeric_z',
  'char',
  'nested',
  'nested_z',
  'empty',
  'sparse',
];

/** Variables in the hand-written files that hold a zero-byte miMATRIX, and how scipy reads it. */
const EMPTY_MATRIX_PATHS = ['c.cells.1', 'st.elements.1.a'];

function allTypesFollowClass(file: { variables: Map<string, MatValue> }): string[] {
  return [...file.variables].flatMap(([name, value]) => arrayTypeMismatches(value, name));
}

describe('parseMatV5 on files written by scipy.io.savemat', () => {
  it.each(SCIPY_FIXTURES)('%s.mat matches scipy.io.loadmat', (name) => {
    const file = parseMatV5(fixtureBytes(`${name}.mat`), `${name}.mat`);
    expect(file.version).toBe('v5');
    expect(file.littleEndian).toBe(true);
    expect(fileAsJson(file)).toEqual(expectedJson(`${name}.json`));
    expect(allTypesFollowClass(file)).toEqual([]);
  });

  it('keeps the file order of variables', () => {
    const file = parseMatV5(fixtureBytes('numeric.mat'));
    expect([...file.variables.keys()]).toEqual(Object.keys(expectedJson('numeric.json').variables));
  });

  it('gives single-row chars as text and multi-row chars as rows joined by newlines', () => {
    const vars = parseMatV5(fixtureBytes('char.mat')).variables;
    expect(vars.get('unicode')).toMatchObject({ kind: 'char', dims: [1, 13], text: 'héllo wörld ✓' });
    expect(vars.get('rows')).toMatchObject({ kind: 'char', dims: [2, 3], text: 'abc\ndef', rows: ['abc', 'def'] });
    expect(vars.get('blank')).toMatchObject({ kind: 'char', dims: [0, 0], text: '', rows: [] });
  });

  it('reads int64 and uint64 as BigInt64Array and BigUint64Array, exactly', () => {
    const vars = parseMatV5(fixtureBytes('numeric_z.mat')).variables;
    expect(vars.get('i64')).toMatchObject({ class: 'int64', real: BigInt64Array.of(-(2n ** 63n), 1n, 2n ** 63n - 1n, -2n, 2n ** 53n + 1n, 3n) });
    expect(vars.get('u64')).toMatchObject({ class: 'uint64', real: BigUint64Array.of(0n, 1n, 2n ** 64n - 1n, 2n, 2n ** 53n + 1n, 3n) });
  });

  it('reads a MATLAB object as MAT_UNSUPPORTED naming the variable and its class', () => {
    expect(() => parseMatV5(fixtureBytes('object.mat'), 'object.mat')).toThrow(
      expect.objectContaining({ code: 'MAT_UNSUPPORTED', message: expect.stringMatching(/^object\.mat: obj is a MATLAB object of class 'MyClass'/) }),
    );
  });

  it('rejects a v4 file as MAT_UNSUPPORTED', () => {
    expect(() => parseMatV5(fixtureBytes('v4.mat'), 'v4.mat')).toThrow(expect.objectContaining({ code: 'MAT_UNSUPPORTED', offset: 0, message: expect.stringContaining('v4') }));
  });

  it('rejects a v7.3 file, pointing to readMat', () => {
    expect(() => parseMatV5(fixtureBytes('v73_ucf.mat'), 'v73_ucf.mat')).toThrow(
      expect.objectContaining({ code: 'MAT_UNSUPPORTED', offset: 512, message: expect.stringContaining('v7.3 (HDF5) — use readMat') }),
    );
  });
});

describe('parseMatV5 on files written byte by byte', () => {
  it.each(['crafted_le', 'crafted_be'])('%s.mat matches scipy.io.loadmat', (name) => {
    const file = parseMatV5(fixtureBytes(`${name}.mat`), `${name}.mat`);
    expect(file.littleEndian).toBe(name === 'crafted_le');
    const expected = expectedJson(`${name}.json`);
    // scipy reads a zero-byte miMATRIX as a 1×0 double; MATLAB means [] (0×0) by it, and so does parseMatV5.
    for (const path of EMPTY_MATRIX_PATHS) {
      const [variable, ...keys] = path.split('.');
      const parent = keys.slice(0, -1).reduce((v: any, k) => v[k], expected.variables[variable]);
      expect(parent[keys.at(-1)!]).toEqual({ kind: 'numeric', class: 'double', dims: [1, 0], real: [] });
      parent[keys.at(-1)!].dims = [0, 0];
    }
    expect(fileAsJson(file)).toEqual(expected);
    expect(allTypesFollowClass(file)).toEqual([]);
  });

  it('converts data stored in a narrower type to the array type of its class', () => {
    const vars = parseMatV5(fixtureBytes('crafted_be.mat')).variables;
    expect(vars.get('n')).toMatchObject({ class: 'double', real: Float64Array.of(0, 200, 1, 255) });
    expect(vars.get('i64')).toMatchObject({ class: 'int64', real: BigInt64Array.of(-(2n ** 31n), 3n) });
  });

  it('inflates a compressed element that spans many inflate steps', () => {
    const values = Array.from({ length: 20_000 }, (_, i) => Math.sin(i) * 1e6);
    const inner = doubleMatrix('big', [values.length, 1], values);
    const z = zlibSync(inner);
    // miCOMPRESSED data is not padded.
    const file = parseMatV5(matFile(element(15, z).subarray(0, 8 + z.length)), 'big.mat');
    expect(z.length).toBeGreaterThan(64 * 1024);
    expect(file.variables.get('big')).toEqual({ kind: 'numeric', class: 'double', dims: [values.length, 1], real: Float64Array.from(values) });
  });

  it('reads bytes that are a view at an unaligned offset into a larger buffer', () => {
    for (const name of ['crafted_be.mat', 'numeric_z.mat']) {
      const bytes = fixtureBytes(name);
      const buffer = new Uint8Array(bytes.length + 11);
      buffer.set(bytes, 3);
      expect(fileAsJson(parseMatV5(buffer.subarray(3, 3 + bytes.length)))).toEqual(fileAsJson(parseMatV5(bytes)));
    }
  });

  it('parses a file holding only a header as one with no variables', () => {
    expect(parseMatV5(matFile()).variables.size).toBe(0);
  });
});

describe('parseMatV5 on the ShanghaiTech annotations in tools/fixtures', () => {
  const expected = expectedJson<Record<string, ExpectedFile>>('shanghaitech-mini.json');

  it.each(Object.keys(expected))('%s matches scipy.io.loadmat', (path) => {
    const bytes = new Uint8Array(readFileSync(fixture('shanghaitech-mini', ...path.split('/'))));
    const file = parseMatV5(bytes, path);
    expect(fileAsJson(file)).toEqual(expected[path]);

    const info = file.variables.get('image_info');
    if (info?.kind !== 'cell' || info.cells[0].kind !== 'struct') throw new Error('image_info is not a cell holding a struct');
    const { location, number } = info.cells[0].elements[0];
    expect(location).toMatchObject({ kind: 'numeric', class: 'double', dims: [expect.any(Number), 2] });
    expect(number).toMatchObject({ kind: 'numeric', class: 'uint16', dims: [1, 1] });
    expect(number.kind === 'numeric' && number.real).toBeInstanceOf(Uint16Array);
    expect(asJson(number)).toMatchObject({ real: [location.dims[0]] });
  });
});

describe('MatFormatError', () => {
  it('is what parseMatV5 throws, with file and offset', () => {
    const error = (() => {
      try {
        parseMatV5(new Uint8Array(0), 'x.mat');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MatFormatError);
    expect(error).toMatchObject({ file: 'x.mat', offset: 0, code: 'MAT_TRUNCATED' });
  });
});
