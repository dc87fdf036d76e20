import { describe, expect, it } from 'vitest';
import { errorOf } from '../test/csrnet-error.ts';
import { weightBytesMismatch, weightSpecBytes } from './weight-specs.js';

const spec = (change: Record<string, unknown> = {}) => ({ name: 'w', shape: [3, 3, 3, 8], dtype: 'float32', ...change });
const problem = (specs: unknown): string => errorOf(() => weightSpecBytes(specs, 'model.json', 'weightSpecs')).message;

describe('weightSpecBytes', () => {
  it('adds up the bytes each dtype (or quantised dtype) takes', () => {
    expect(weightSpecBytes([spec(), spec({ dtype: 'int32', shape: [2] }), spec({ dtype: 'bool', shape: [] })], 'm', 'weightSpecs')).toBe(864 + 8 + 1);
    expect(weightSpecBytes([spec({ quantization: { dtype: 'uint8', scale: 1, min: 0 } })], 'm', 'weightSpecs')).toBe(216);
    expect(weightSpecBytes([spec({ shape: [0, 1e300] })], 'm', 'weightSpecs')).toBe(0);
  });

  it.each([
    ['not a list', { weights: 1 }, 'model.json: weightSpecs: expected a list of weight entries, found an object'],
    ['a string shape', [spec({ shape: 'abc' })], 'model.json: weightSpecs[0] (w): "shape" must be a list of dimensions such as [3, 3, 3, 64], found "abc"'],
    ['a missing shape', [spec({ shape: undefined })], '"shape" must be a list of dimensions such as [3, 3, 3, 64], found undefined'],
    ['a negative dimension', [spec({ shape: [3, -1] })], 'weightSpecs[0] (w): dimension 1 of "shape" is -1; dimensions cannot be negative'],
    ['an infinite dimension', [spec({ shape: [Infinity] })], 'dimension 0 of "shape" must be a whole number, found Infinity'],
    ['an overflowing shape', [spec({ shape: [2 ** 30, 2 ** 30] })], 'shape [1073741824, 1073741824] has 1.15e+18 elements, more than any weights file can hold'],
    ['an overflowing total', [spec({ shape: [2 ** 50] }), spec({ shape: [2 ** 50] })], 'weightSpecs[1] (w): the weights up to this one declare 9.01e+15 bytes, more than any weights file can hold'],
    ['a string dtype', [spec({ dtype: 'string' })], '"dtype" must be one of float32, int32, bool, complex64, found "string"'],
    ['a bad quantised dtype', [spec({ quantization: { dtype: 'int4' } })], '"quantization.dtype" must be one of uint8, uint16, float16, found "int4"'],
    ['an entry that is not an object', [null], 'weightSpecs[0]: expected a weight entry {name, shape, dtype}, found null'],
  ])('refuses %s, saying what is wrong', (_, specs, message) => {
    expect(problem(specs)).toContain(message);
  });
});

describe('weightBytesMismatch', () => {
  it('tells a truncated file from one with too many bytes', () => {
    expect(weightBytesMismatch('weights.bin', 10, 12, 2)).toBe('weights.bin holds 10 bytes, but the manifest declares 12 for 2 tensors: 2 bytes are missing — the file is truncated (an interrupted download or copy?)');
    expect(weightBytesMismatch('weights.bin', 20, 12, 2)).toBe('weights.bin holds 20 bytes, but the manifest declares 12 for 2 tensors: 8 bytes too many — the weights come from another save, or model.json was edited');
  });
});
