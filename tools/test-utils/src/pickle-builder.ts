/**
 * Builders for pickle streams and legacy-format torch checkpoints, so tests
 * craft the files they need (hostile ones included) at test time instead of
 * committing them. Each builder returns the bytes of one pickled value.
 */
import { concatBytes } from './arrays.mjs';

export type Part = number | ArrayLike<number> | string;

/** Concatenates opcodes (numbers), byte arrays and latin1 strings. */
export function bytes(...parts: Part[]): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === 'number') out.push(part);
    else if (typeof part === 'string') for (const ch of part) out.push(ch.charCodeAt(0));
    else for (let i = 0; i < part.length; i++) out.push(part[i]);
  }
  return Uint8Array.from(out);
}

export const MARK = 0x28;
export const STOP = 0x2e;
export const NONE = Uint8Array.of(0x4e);
export const FALSE = Uint8Array.of(0x89);
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];

/** BININT1 / BININT for 32-bit ints, LONG1 beyond. */
export function int(n: number | bigint): Uint8Array {
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < 256) return Uint8Array.of(0x4b, n);
  if (typeof n === 'number' && Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31) return bytes(0x4a, u32(n >>> 0));
  let value = BigInt(n);
  const raw: number[] = [];
  do {
    raw.push(Number(value & 0xffn));
    value >>= 8n;
  } while (!(value === 0n && (raw.at(-1)! & 0x80) === 0) && !(value === -1n && (raw.at(-1)! & 0x80) !== 0));
  return bytes(0x8a, raw.length, raw);
}

/** BINUNICODE. */
export function str(s: string): Uint8Array {
  const utf8 = new TextEncoder().encode(s);
  return bytes(0x58, u32(utf8.length), utf8);
}

export const tuple = (...items: Uint8Array[]): Uint8Array => bytes(MARK, ...items, 0x74);
export const list = (...items: Uint8Array[]): Uint8Array => (items.length === 0 ? Uint8Array.of(0x5d) : bytes(0x5d, MARK, ...items, 0x65));
export const dict = (...entries: Array<[Uint8Array, Uint8Array]>): Uint8Array =>
  entries.length === 0 ? Uint8Array.of(0x7d) : bytes(0x7d, MARK, ...entries.flat(), 0x75);
export const global = (module: string, name: string): Uint8Array => bytes(0x63, `${module}\n${name}\n`);
/** BINPUT: stores the top of the stack as memo entry `index` (< 256). */
export const put = (index: number): Uint8Array => Uint8Array.of(0x71, index);
/** BINGET: pushes memo entry `index` (< 256) again. */
export const get = (index: number): Uint8Array => Uint8Array.of(0x68, index);
/** `fn(*args)` via REDUCE. */
export const call = (fn: Uint8Array, ...args: Uint8Array[]): Uint8Array => bytes(fn, tuple(...args), 0x52);
/** PROTO 2, the value, STOP. */
export const pickle = (value: Uint8Array): Uint8Array => bytes(0x80, 2, value, STOP);

export interface TensorRef {
  key: string;
  /** Elements in the storage. */
  numel: number;
  storageType?: string;
  offset?: number;
  shape: number[];
  stride: number[];
}

/** `_rebuild_tensor_v2(storage, offset, shape, stride, False, OrderedDict())` over persistent id `('storage', type, key, 'cpu', numel)`. */
export function tensor({ key, numel, storageType = 'FloatStorage', offset = 0, shape, stride }: TensorRef): Uint8Array {
  const storage = bytes(tuple(str('storage'), global('torch', storageType), str(key), str('cpu'), int(numel)), 0x51);
  return call(
    global('torch._utils', '_rebuild_tensor_v2'),
    storage,
    int(offset),
    tuple(...shape.map(int)),
    tuple(...stride.map(int)),
    FALSE,
    call(global('collections', 'OrderedDict')),
  );
}

/** `{name: tensor}` as torch pickles a state_dict (an OrderedDict). */
export function stateDictPickle(tensors: Array<[string, TensorRef]>): Uint8Array {
  return bytes(call(global('collections', 'OrderedDict')), MARK, ...tensors.flatMap(([name, ref]) => [str(name), tensor(ref)]), 0x75);
}

const MAGIC = bytes(0x80, 2, 0x8a, 10, [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19], STOP);
const PROTOCOL = bytes(0x80, 2, 0x4d, 0xe9, 0x03, STOP);

/**
 * A legacy-format checkpoint (torch < 1.6): magic, protocol, sys info, the
 * object pickle, the storage keys, then each storage as an int64 element
 * count and its raw bytes.
 */
export function legacyCheckpoint(object: Uint8Array, storages: Array<{ key: string; numel: number; data: Uint8Array }>): Uint8Array {
  const keys = pickle(list(...storages.map((s) => str(s.key))));
  const parts: Uint8Array[] = [MAGIC, PROTOCOL, pickle(dict()), object, keys];
  for (const { numel, data } of storages) {
    const count = new Uint8Array(8);
    new DataView(count.buffer).setBigInt64(0, BigInt(numel), true);
    parts.push(count, data);
  }
  return concatBytes(...parts);
}

