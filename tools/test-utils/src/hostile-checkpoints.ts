import { unzipSync } from 'fflate';
import { bytes, call, FALSE, get, global, int, legacyCheckpoint, MARK, put, str, STOP, tuple } from './pickle-builder.ts';
import { deflatedZeros, zipArchive } from './zip-builder.ts';

/**
 * Hostile and broken model files, made at test time from a few hundred
 * bytes of description so that no bomb is ever committed. See the csrnet
 * README's "Resource limits" for what each one attacks.
 */

/**
 * The state_dict pickle of `count` distinct tensors of `shape`, all views with
 * stride 0 of one 1-element float32 storage (key `0`): about 10 bytes a
 * tensor, thanks to the memo, for 4·∏shape bytes of float32 each once
 * gathered.
 */
export function strideZeroPickle(count: number, shape: number[]): Uint8Array {
  const storage = bytes(tuple(str('storage'), global('torch', 'FloatStorage'), str('0'), str('cpu'), int(1)), 0x51);
  const args = tuple(storage, int(0), tuple(...shape.map(int)), tuple(...shape.map(() => int(0))), FALSE, call(global('collections', 'OrderedDict')));
  const items: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    // The first tensor memoizes the function and its arguments; the rest REDUCE them again into new tensors.
    const name = bytes(0x8c, `t${i}`.length, `t${i}`);
    items.push(name, i === 0 ? bytes(global('torch._utils', '_rebuild_tensor_v2'), put(0), args, put(1), 0x52) : bytes(get(0), get(1), 0x52));
  }
  return bytes(0x80, 2, call(global('collections', 'OrderedDict')), MARK, ...items, 0x75, STOP);
}

/** {@link strideZeroPickle} as a legacy (`torch < 1.6`) or zip checkpoint file. */
export function strideZeroCheckpoint(format: 'legacy' | 'zip', count = 100, shape = [4096, 4096]): Uint8Array {
  const object = strideZeroPickle(count, shape);
  const storage = new Uint8Array(4);
  if (format === 'legacy') return legacyCheckpoint(object, [{ key: '0', numel: 1, data: storage }]);
  return zipArchive([
    { name: 'archive/data.pkl', data: object },
    { name: 'archive/data/0', data: storage },
    { name: 'archive/version', data: new TextEncoder().encode('3\n') },
  ]);
}

/** The entries of a (trusted, small) zip checkpoint, to re-archive with changes. */
export function zipEntries(checkpoint: Uint8Array): Array<{ name: string; data: Uint8Array }> {
  return Object.entries(unzipSync(checkpoint)).map(([name, data]) => ({ name, data }));
}

/**
 * A zip checkpoint with deflated entries of zero bytes added (or replacing
 * entries of the same name): `bombs` maps entry names to sizes (multiples
 * of 8 MiB), each about size/1000 bytes in the file. Unused by the pickle
 * such an entry must cost nothing; as a storage it must be refused.
 */
export function withZeroBombs(checkpoint: Uint8Array, bombs: Record<string, number>): Uint8Array {
  const entries = zipEntries(checkpoint).filter((entry) => !(entry.name in bombs));
  return zipArchive([...entries, ...Object.entries(bombs).map(([name, size]) => ({ name, ...deflatedZeros(size) }))]);
}

/**
 * `file` with element `at` of the tensor whose values start with `values`
 * set to `value` (NaN by default): the tensor's bytes are found by content,
 * so this works on any format that stores float32 little-endian as is
 * (legacy and zip checkpoints, tfjs weights.bin, csrnet-weights .bin).
 */
export function poisonTensor(file: Uint8Array, values: Float32Array, at = 0, value = Number.NaN): Uint8Array {
  const needle = new Uint8Array(values.buffer, values.byteOffset, Math.min(values.length, 8) * 4);
  const start = Buffer.from(file.buffer, file.byteOffset, file.byteLength).indexOf(needle);
  if (start < 0) throw new Error('poisonTensor: the tensor is not stored verbatim in this file');
  const out = file.slice();
  new DataView(out.buffer).setFloat32(start + 4 * at, value, true);
  return out;
}

/** A legacy checkpoint whose object pickle opens `count` MARKs and never closes them. */
export function unclosedMarks(count: number): Uint8Array {
  const object = new Uint8Array(count + 4).fill(MARK);
  object.set([0x80, 2], 0);
  object.set([0x4e, STOP], object.length - 2);
  return legacyCheckpoint(object, []);
}

