/** A model remembered on this device: the very files it was read from, so a reload works offline. */
export interface SavedModel {
  /** The label it was loaded under (a URL or file names). */
  label: string;
  /** The URL it was fetched from, when it was. */
  url?: string;
  files: File[];
}

/** Where the worker remembers one model (the page's). */
export interface SavedModelStore {
  get(): Promise<SavedModel | undefined>;
  put(model: SavedModel): Promise<void>;
  delete(): Promise<void>;
}

const DATABASE = 'crowd-web';
const STORE = 'models';
const KEY = 'app';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function open(): Promise<IDBDatabase> {
  const req = indexedDB.open(DATABASE, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE);
  return request(req);
}

async function transact<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    const tx = db.transaction(STORE, mode);
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    });
    const result = await request(run(tx.objectStore(STORE)));
    await done;
    return result;
  } finally {
    db.close();
  }
}

/**
 * The store in IndexedDB (database `crowd-web`, object store `models`):
 * Files are stored as they are (structured clone), so a 65 MB checkpoint or
 * ONNX model costs 65 MB of the origin's quota and nothing is converted.
 */
export const indexedDbModelStore: SavedModelStore = {
  get: () => transact('readonly', (store) => store.get(KEY) as IDBRequest<SavedModel | undefined>),
  async put(model) {
    await transact('readwrite', (store) => store.put(model, KEY));
  },
  async delete() {
    await transact('readwrite', (store) => store.delete(KEY));
  },
};
