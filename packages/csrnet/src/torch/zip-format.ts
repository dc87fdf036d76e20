import { CsrnetError } from '../errors.js';
import type { ResolvedModelFileLimits } from '../limits.js';
import { ITEM_SIZE } from './dtypes.js';
import { PickleValueError, unpickle } from './pickle.js';
import { parseStorageId } from './storage-id.js';
import { resolveTorchGlobal } from './torch-globals.js';
import { StorageView, TorchStorage } from './torch-objects.js';
import { InflateBudget, readZipDirectory, readZipEntry, type ZipEntryInfo } from './zip-archive.js';

export interface ZipCheckpoint {
  /** The unpickled `data.pkl`, with every storage's bytes filled in. */
  value: unknown;
  littleEndian: boolean;
  /** Elements in all the storages the pickle references (each stored once in the archive). */
  storedElements: number;
}

/**
 * The format `torch.save` writes since 1.6: a zip of `<prefix>/data.pkl`,
 * `<prefix>/data/<key>` (raw storages) and `<prefix>/version`, plus
 * `<prefix>/byteorder` from torch 2.x on. The prefix is the saved file's name
 * without extension ("archive" from a buffer), so it is found, not assumed.
 * Storages are in the writer's byte order; without a byteorder record that is
 * little-endian, as torch itself assumes.
 *
 * Only the entries the checkpoint needs are read — data.pkl, byteorder and
 * the storages its pickle references — each when first needed. Stored
 * entries (all torch.save writes) are views of `bytes`; a deflated one is
 * inflated into exactly its declared size, within `limits.maxInflationRatio`.
 */
export function readZipCheckpoint(bytes: Uint8Array, source: string | undefined, limits: ResolvedModelFileLimits): ZipCheckpoint {
  const directory = readZipDirectory(bytes, source);
  const prefix = findPrefix([...directory.keys()], source);
  const budget = new InflateBudget(bytes.length, limits.maxInflationRatio, source);
  const read = (entry: ZipEntryInfo): Uint8Array => readZipEntry(bytes, entry, source, budget);

  let littleEndian = true;
  const byteorder = directory.get(`${prefix}byteorder`);
  if (byteorder !== undefined) {
    const order = byteorder.size > 16 ? `${byteorder.size} bytes` : new TextDecoder().decode(read(byteorder)).trim();
    if (order !== 'little' && order !== 'big') {
      throw new CsrnetError('WEIGHTS_FORMAT', source, `${prefix}byteorder should say "little" or "big", found "${order.slice(0, 20)}"`);
    }
    littleEndian = order === 'little';
  }

  const storages = new Map<string, TorchStorage>();
  let storedElements = 0;
  const part = `${prefix}data.pkl`;
  const { value } = unpickle(read(directory.get(part)!), 0, {
    source,
    part,
    limits,
    resolveGlobal: resolveTorchGlobal,
    persistentLoad(pid) {
      const id = parseStorageId(pid);
      let storage = storages.get(id.key);
      if (storage === undefined) {
        storage = new TorchStorage(id.key, id.storageType.dtype, id.numel);
        const name = `${prefix}data/${id.key}`;
        const entry = directory.get(name);
        const nbytes = id.numel * ITEM_SIZE[storage.dtype];
        if (entry === undefined) throw new PickleValueError(`storage ${name} is missing from the archive`);
        // Checked against the declared size first, so a short entry is never inflated.
        if (entry.size < nbytes) throw new PickleValueError(`storage ${name} holds ${entry.size} bytes but ${id.numel} × ${storage.dtype} needs ${nbytes}`);
        storage.bytes = read(entry).subarray(0, nbytes);
        storages.set(id.key, storage);
        storedElements += id.numel;
      } else if (storage.dtype !== id.storageType.dtype) {
        throw new PickleValueError(`storage ${id.key} is referenced as both ${storage.dtype} and ${id.storageType.dtype}`);
      }
      return new StorageView(storage, 0, storage.numel);
    },
  });
  return { value, littleEndian, storedElements };
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
