import { CsrnetError } from '../errors.js';
import type { ResolvedModelFileLimits } from '../limits.js';
import { ITEM_SIZE } from './dtypes.js';
import { describeValue, PickleValueError, unpickle } from './pickle.js';
import { parseStorageId } from './storage-id.js';
import { resolveTorchGlobal } from './torch-globals.js';
import { StorageView, TorchStorage } from './torch-objects.js';

const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

const refuseAll = (): undefined => undefined;

/**
 * The format `torch.save` wrote before 1.6 (and with
 * `_use_new_zipfile_serialization=False` since): five pickles — magic number,
 * protocol version, sys info, the object, the sorted storage keys — then each
 * storage as an int64 element count and its raw data.
 *
 * Storage data is little-endian whatever machine wrote it (torch converts on
 * big-endian hosts), so the sys info's `little_endian` flag is not needed.
 * Returns the unpickled object with every storage's bytes filled in (views
 * of `bytes`, never copies) and how many elements those storages hold.
 */
export function readLegacyCheckpoint(bytes: Uint8Array, source: string | undefined, limits: ResolvedModelFileLimits): { value: unknown; storedElements: number } {
  const magic = unpickle(bytes, 0, { source, limits, resolveGlobal: refuseAll });
  if (magic.value !== MAGIC_NUMBER) {
    throw new CsrnetError(
      'WEIGHTS_FORMAT',
      source,
      `this is a Python pickle but not a PyTorch checkpoint: expected torch's magic number first, found ${describeValue(magic.value)} (a file written by pickle.dump rather than torch.save?)`,
    );
  }
  const protocol = unpickle(bytes, magic.end, { source, limits, resolveGlobal: refuseAll });
  if (protocol.value !== PROTOCOL_VERSION) {
    throw new CsrnetError('WEIGHTS_FORMAT', source, `unsupported legacy checkpoint protocol: expected ${PROTOCOL_VERSION}, found ${describeValue(protocol.value)}`);
  }
  const sysInfo = unpickle(bytes, protocol.end, { source, limits, resolveGlobal: refuseAll });

  const storages = new Map<string, TorchStorage>();
  const views = new Map<string, StorageView>();
  const object = unpickle(bytes, sysInfo.end, {
    source,
    limits,
    resolveGlobal: resolveTorchGlobal,
    persistentLoad(pid) {
      const id = parseStorageId(pid);
      let storage = storages.get(id.key);
      if (storage === undefined) {
        storage = new TorchStorage(id.key, id.storageType.dtype, id.numel);
        storages.set(id.key, storage);
      } else if (storage.dtype !== id.storageType.dtype || storage.numel !== id.numel) {
        throw new PickleValueError(`storage ${id.key} is referenced as both ${storage.numel} × ${storage.dtype} and ${id.numel} × ${id.storageType.dtype}`);
      }
      if (id.view === null) return new StorageView(storage, 0, storage.numel);
      const { key, offset, numel } = id.view;
      let view = views.get(key);
      if (view === undefined) {
        view = new StorageView(storage, offset, numel);
        views.set(key, view);
      }
      return view;
    },
  });

  const keys = unpickle(bytes, object.end, { source, limits, resolveGlobal: refuseAll });
  if (!Array.isArray(keys.value) || !keys.value.every((key) => typeof key === 'string')) {
    throw new CsrnetError('WEIGHTS_FORMAT', source, `expected the list of storage keys after the object, found ${describeValue(keys.value)}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = keys.end;
  let storedElements = 0;
  for (const key of keys.value as string[]) {
    const storage = storages.get(key);
    if (storage === undefined) throw new CsrnetError('WEIGHTS_FORMAT', source, `storage key ${key} is listed at byte ${pos} but no tensor uses it`);
    const nbytes = storage.numel * ITEM_SIZE[storage.dtype];
    if (bytes.length - pos < 8 + nbytes) {
      throw new CsrnetError(
        'WEIGHTS_FORMAT',
        source,
        `the file ends inside storage ${key} at byte ${pos}: it needs ${8 + nbytes} bytes, ${bytes.length - pos} remain — the file is truncated; was the download or copy interrupted?`,
      );
    }
    const count = view.getBigInt64(pos, true);
    if (count !== BigInt(storage.numel)) {
      throw new CsrnetError('WEIGHTS_FORMAT', source, `storage ${key} at byte ${pos} holds ${count} elements but the pickle says ${storage.numel} — the file is corrupt`);
    }
    storage.bytes = bytes.subarray(pos + 8, pos + 8 + nbytes);
    storedElements += storage.numel;
    pos += 8 + nbytes;
  }
  return { value: object.value, storedElements };
}
