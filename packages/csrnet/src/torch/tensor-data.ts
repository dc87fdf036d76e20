import { CsrnetError } from '../errors.js';
import type { NamedTensor } from '../named-tensors.js';
import { elementReader } from './dtypes.js';
import type { TorchTensor } from './torch-objects.js';

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Gathers a tensor's elements in C order into a new Float32Array, following
 * its strides and storage offset (so transposed, sliced and expanded views
 * come out as what `tensor.contiguous()` holds), and widening or narrowing
 * the storage type to float32 (float64 rounds to nearest, halves are exact).
 * `littleEndian` is the byte order the file stored its data in.
 */
export function tensorToFloat32(tensor: TorchTensor, littleEndian: boolean, source: string | undefined, name: string): NamedTensor {
  const { storage } = tensor.view;
  if (storage.bytes === undefined) {
    throw new CsrnetError('WEIGHTS_FORMAT', source, `tensor ${name} uses storage ${storage.key}, whose data is not in the file`);
  }
  const shape = [...tensor.shape];
  const numel = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(numel);
  if (numel === 0) return { shape, data };
  const { stride } = tensor;
  if (tensor.dtype === 'float32' && littleEndian === HOST_IS_LITTLE_ENDIAN && isContiguous(shape, stride)) {
    // The common case (every weight torch saves from a state_dict): one copy of
    // the bytes, several times faster than element reads, and bit-exact.
    const start = (tensor.view.offset + tensor.storageOffset) * 4;
    new Uint8Array(data.buffer).set(storage.bytes.subarray(start, start + numel * 4));
    return { shape, data };
  }
  const read = elementReader(tensor.dtype, storage.bytes, littleEndian);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let at = tensor.view.offset + tensor.storageOffset;
  for (let i = 0; i < numel; i++) {
    data[i] = read(at);
    // Odometer over the multi-index: bump the last axis, carry into earlier ones.
    for (let d = rank - 1; d >= 0; d--) {
      at += stride[d];
      if (++index[d] < shape[d]) break;
      at -= stride[d] * shape[d];
      index[d] = 0;
    }
  }
  return { shape, data };
}

/**
 * The value of a one-element tensor at full precision (a float64 MAE stays
 * float64), or undefined for any other size or missing data.
 */
export function tensorScalar(tensor: TorchTensor, littleEndian: boolean): number | undefined {
  const { storage } = tensor.view;
  if (storage.bytes === undefined || tensor.shape.some((n) => n !== 1)) return undefined;
  return elementReader(tensor.dtype, storage.bytes, littleEndian)(tensor.view.offset + tensor.storageOffset);
}

/** C order: each axis steps over everything after it (size-1 axes may have any stride). */
function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}
