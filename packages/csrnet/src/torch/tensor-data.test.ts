import { describe, expect, it } from 'vitest';
import { CsrnetError } from '../errors.js';
import { tensorScalar, tensorToFloat32 } from './tensor-data.js';
import { StorageView, TorchStorage, TorchTensor } from './torch-objects.js';

function storageOf(dtype: 'float32' | 'float64', values: number[], littleEndian = true): TorchStorage {
  const size = dtype === 'float32' ? 4 : 8;
  const bytes = new Uint8Array(values.length * size);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => (dtype === 'float32' ? view.setFloat32(i * 4, v, littleEndian) : view.setFloat64(i * 8, v, littleEndian)));
  const storage = new TorchStorage('0', dtype, values.length);
  storage.bytes = bytes;
  return storage;
}

describe('tensorToFloat32', () => {
  const storage = storageOf('float32', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  const whole = new StorageView(storage, 0, 12);

  it.each([
    ['contiguous', 0, [3, 4], [4, 1], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]],
    ['contiguous with an offset and a size-1 axis of any stride', 3, [2, 1, 3], [3, 99, 1], [3, 4, 5, 6, 7, 8]],
    ['row-strided', 0, [3, 2], [4, 1], [0, 1, 4, 5, 8, 9]],
    ['transposed', 0, [4, 3], [1, 4], [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]],
    ['sliced with an offset', 5, [2, 2], [4, 2], [5, 7, 9, 11]],
    ['expanded (stride 0)', 2, [2, 3], [0, 1], [2, 3, 4, 2, 3, 4]],
    ['0-dimensional', 7, [], [], [7]],
    ['empty', 0, [0, 4], [4, 1], []],
  ])('gathers a %s tensor in C order', (_, offset, shape, stride, values) => {
    const tensor = tensorToFloat32(new TorchTensor(whole, offset, shape, stride), true, 'x.pth', 't');
    expect(tensor.shape).toEqual(shape);
    expect(Array.from(tensor.data)).toEqual(values);
  });

  it('adds a legacy storage view offset', () => {
    const tensor = new TorchTensor(new StorageView(storage, 6, 6), 1, [2], [2]);
    expect(Array.from(tensorToFloat32(tensor, true, 'x.pth', 't').data)).toEqual([7, 9]);
  });

  it('rounds float64 to float32 and honours big-endian data', () => {
    const doubles = storageOf('float64', [1 / 3, 1e300], false);
    const tensor = tensorToFloat32(new TorchTensor(new StorageView(doubles, 0, 2), 0, [2], [1]), false, 'x.pth', 't');
    expect(Array.from(tensor.data)).toEqual([Math.fround(1 / 3), Infinity]);
  });

  it('names the tensor whose storage data is missing', () => {
    const missing = new TorchTensor(new StorageView(new TorchStorage('42', 'float32', 4), 0, 4), 0, [4], [1]);
    expect(() => tensorToFloat32(missing, true, 'x.pth', 'frontend.0.bias')).toThrow(
      new CsrnetError('WEIGHTS_FORMAT', 'x.pth', 'tensor frontend.0.bias uses storage 42, whose data is not in the file'),
    );
  });
});

describe('tensorScalar', () => {
  it('reads a one-element tensor at full precision', () => {
    const doubles = storageOf('float64', [0, 1 / 3]);
    expect(tensorScalar(new TorchTensor(new StorageView(doubles, 0, 2), 1, [1, 1], [1, 1]), true)).toBe(1 / 3);
  });

  it('is undefined for other sizes', () => {
    const doubles = storageOf('float64', [0, 1 / 3]);
    expect(tensorScalar(new TorchTensor(new StorageView(doubles, 0, 2), 0, [2], [1]), true)).toBeUndefined();
  });
});
