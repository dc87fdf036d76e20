import { describe, expect, it } from 'vitest';
import { PickleValueError } from './pickle.js';
import { parseStorageId } from './storage-id.js';
import { resolveTorchGlobal } from './torch-globals.js';

const floatStorage = resolveTorchGlobal('torch', 'FloatStorage');

describe('parseStorageId', () => {
  it('reads zip ids and legacy ids, ignoring the device', () => {
    expect(parseStorageId(['storage', floatStorage, '3', 'cuda:0', 216])).toEqual({ storageType: floatStorage, key: '3', numel: 216, view: null });
    expect(parseStorageId(['storage', floatStorage, '94', 'cpu', 216, null])).toMatchObject({ key: '94', view: null });
    expect(parseStorageId(['storage', floatStorage, '94', 'cpu', 216, ['95', 16, 200]])).toMatchObject({ view: { key: '95', offset: 16, numel: 200 } });
  });

  it.each([
    [['storage', floatStorage, '1', 'cpu'], "expected a storage id ('storage', type, key, location, numel[, view]), found a list of 4"],
    [['module', {}, 'x.py', 'source', 1], 'the file pickles a whole model class'],
    [['tensor', floatStorage, '1', 'cpu', 1], "expected a 'storage' id, found string tensor"],
    [['storage', 'FloatStorage', '1', 'cpu', 1], 'expected a torch storage type, found string FloatStorage'],
    [['storage', floatStorage, 1, 'cpu', 1], 'expected a storage key, found number 1'],
    [['storage', floatStorage, '1', 'cpu', -1], 'expected an element count, found number -1'],
    [['storage', floatStorage, '1', 'cpu', 8, ['2', 1]], 'expected view metadata (key, offset, numel)'],
    [['storage', floatStorage, '1', 'cpu', 8, ['2', 4, 5]], 'storage view 2 (elements 4..9) lies outside its 8-element storage'],
  ])('rejects %j', (pid, message) => {
    expect(() => parseStorageId(pid)).toThrow(PickleValueError);
    expect(() => parseStorageId(pid)).toThrow(message);
  });
});
