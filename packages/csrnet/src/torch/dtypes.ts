import { bfloat16ToNumber, float16ToNumber } from './float16.js';

/** The element types a torch storage can hold (complex and quantized types are refused). */
export type TorchDtype = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** `torch.<Name>Storage`, the names pickles use for storage types, to their element type. */
export const STORAGE_DTYPES: Readonly<Record<string, TorchDtype>> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

export const ITEM_SIZE: Readonly<Record<TorchDtype, number>> = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

export function isFloatingDtype(dtype: TorchDtype): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16';
}

/**
 * A reader for element `index` of a storage's bytes, widened to a JS number
 * (int64 beyond 2^53 rounds). `littleEndian` is the file's byte order.
 */
export function elementReader(dtype: TorchDtype, bytes: Uint8Array, littleEndian: boolean): (index: number) => number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = littleEndian;
  switch (dtype) {
    case 'float32':
      return (i) => view.getFloat32(i * 4, le);
    case 'float64':
      return (i) => view.getFloat64(i * 8, le);
    case 'float16':
      return (i) => float16ToNumber(view.getUint16(i * 2, le));
    case 'bfloat16': {
      const scratch = new DataView(new ArrayBuffer(4));
      return (i) => bfloat16ToNumber(view.getUint16(i * 2, le), scratch);
    }
    case 'int64':
      return (i) => Number(view.getBigInt64(i * 8, le));
    case 'int32':
      return (i) => view.getInt32(i * 4, le);
    case 'int16':
      return (i) => view.getInt16(i * 2, le);
    case 'int8':
      return (i) => view.getInt8(i);
    case 'uint8':
    case 'bool':
      return (i) => view.getUint8(i);
  }
}
