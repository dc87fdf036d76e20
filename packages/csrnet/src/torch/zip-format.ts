import { unzipSync } from 'fflate';
import { CsrnetError } from '../errors.js';
import { ITEM_SIZE } from './dtypes.js';
import { PickleValueError, unpickle } from './pickle.js';
import { parseStorageId } from './storage-id.js';
import { resolveTorchGlobal } from './torch-globals.js';
import { StorageView, TorchStorage } from './torch-objects.js';

export interface ZipCheckpoint {
  /** The unpickled `data.pkl`, with every storage's bytes filled in. */
  value: unknown;
  littleEndian: boolean;
}

/**
 * The format `torch.save` writes since 1.6: a zip of `<prefix>/data.pkl`,
 * `<prefix>/data/<key>` (raw storages) and `<prefix>/version`, plus
 * `<prefix>/byteorder` from torch 2.x on. The prefix is the saved file's name
 * without extension ("archive" from a buffer), so it is found, not assumed.
 * Storages are in the writer's byte order; without a byteorder record that is
 * little-endian, as torch itself assumes.
 */
export function readZipCheckpoint(bytes: Uint8Array, source: string | undefined): ZipCheckpoint {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CsrnetError('WEIGHTS_FORMAT', source, `the zip archive is damaged or truncated (${reason}); was the download or copy interrupted?`, { cause: error });
  }
  const names = Object.keys(entries);
  const prefix = findPrefix(names, source);
  const byteorder = entries[`${prefix}byteorder`];
  let littleEndian = true;
  if (byteorder !== undefined) {
    const order = new TextDecoder().decode(byteorder).trim();
    if (order !== 'little' && order !== 'big') {
      throw new CsrnetError('WEIGHTS_FORMAT', source, `${prefix}byteorder should say "little" or "big", found "${order.slice(0, 20)}"`);
    }
    littleEndian = order === 'little';
  }

  const storages = new Map<string, TorchStorage>();
  const part = `${prefix}data.pkl`;
  const { value } = unpickle(entries[part], 0, {
    source,
    part,
    resolveGlobal: resolveTorchGlobal,
    persistentLoad(pid) {
      const id = parseStorageId(pid);
      let storage = storages.get(id.key);
      if (storage === undefined) {
        storage = new TorchStorage(id.key, id.storageType.dtype, id.numel);
        const data = entries[`${prefix}data/${id.key}`];
        const nbytes = id.numel * ITEM_SIZE[storage.dtype];
        if (data === undefined) throw new PickleValueError(`storage ${prefix}data/${id.key} is missing from the archive`);
        if (data.length < nbytes) {
          throw new PickleValueError(`storage ${prefix}data/${id.key} holds ${data.length} bytes but ${id.numel} × ${storage.dtype} needs ${nbytes}`);
        }
        storage.bytes = data.subarray(0, nbytes);
        storages.set(id.key, storage);
      } else if (storage.dtype !== id.storageType.dtype) {
        throw new PickleValueError(`storage ${id.key} is referenced as both ${storage.dtype} and ${id.storageType.dtype}`);
      }
      return new StorageView(storage, 0, storage.numel);
    },
  });
  return { value, littleEndian };
}

function findPrefix(names: string[], source: string | undefined): string {
  if (names.some((name) => /^[^/]+\/(constants\.pkl|code\/)/.test(name))) {
    throw new CsrnetError(
      'WEIGHTS_FORMAT',
      source,
      'this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint; load it with torch.jit.load in Python and save model.state_dict() with torch.save',
    );
  }
  const pickles = names.filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length === 1) return pickles[0].slice(0, -'data.pkl'.length);
  const listing = names.slice(0, 5).join(', ') + (names.length > 5 ? `, … (${names.length} entries)` : '');
  if (pickles.length === 0) {
    throw new CsrnetError('WEIGHTS_FORMAT', source, `this zip archive is not a PyTorch checkpoint: expected <name>/data.pkl, found ${listing || 'no entries'}`);
  }
  throw new CsrnetError('WEIGHTS_FORMAT', source, `this zip archive holds ${pickles.length} checkpoints (${pickles.join(', ')}); extract the one you want`);
}
