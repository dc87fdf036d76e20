import { describeValue, PickleValueError } from './pickle.js';
import { StorageType } from './torch-globals.js';

/** A persistent id `('storage', torch.FloatStorage, key, location, numel[, view_metadata])`, checked. */
export interface StorageId {
  storageType: StorageType;
  key: string;
  numel: number;
  /** Legacy storage views (torch 0.1-0.3): `(view_key, offset, numel)` into the root storage. */
  view: { key: string; offset: number; numel: number } | null;
}

/**
 * Both formats name storages the same way; the legacy one adds view metadata.
 * The location ('cpu', 'cuda:0', ...) only says where torch would put the
 * data, so it is ignored: a checkpoint saved on a GPU loads the same.
 */
export function parseStorageId(pid: unknown): StorageId {
  if (!Array.isArray(pid) || (pid.length !== 5 && pid.length !== 6)) {
    throw new PickleValueError(`expected a storage id ('storage', type, key, location, numel[, view]), found ${describeValue(pid)}`);
  }
  const [typename, storageType, key, , numel, view] = pid;
  if (typename === 'module') {
    throw new PickleValueError('the file pickles a whole model class (torch.save(model)); load it in Python and re-save model.state_dict()');
  }
  if (typename !== 'storage') throw new PickleValueError(`expected a 'storage' id, found ${describeValue(typename)}`);
  if (!(storageType instanceof StorageType)) throw new PickleValueError(`expected a torch storage type, found ${describeValue(storageType)}`);
  if (typeof key !== 'string') throw new PickleValueError(`expected a storage key, found ${describeValue(key)}`);
  if (!isCount(numel)) throw new PickleValueError(`expected an element count, found ${describeValue(numel)}`);
  if (view === undefined || view === null) return { storageType, key, numel, view: null };
  if (!Array.isArray(view) || view.length !== 3 || typeof view[0] !== 'string' || !isCount(view[1]) || !isCount(view[2])) {
    throw new PickleValueError(`expected view metadata (key, offset, numel), found ${describeValue(view)}`);
  }
  if (view[1] + view[2] > numel) {
    throw new PickleValueError(`storage view ${view[0]} (elements ${view[1]}..${view[1] + view[2]}) lies outside its ${numel}-element storage`);
  }
  return { storageType, key, numel, view: { key: view[0], offset: view[1], numel: view[2] } };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
