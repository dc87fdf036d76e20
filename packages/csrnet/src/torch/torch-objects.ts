import type { TorchDtype } from './dtypes.js';

/**
 * One storage record of a checkpoint: `numel` elements of `dtype`. The
 * container fills `bytes` (raw, in the file's byte order) — the zip format
 * while unpickling, the legacy format only after the pickle, because there
 * the data follows it.
 */
export class TorchStorage {
  bytes: Uint8Array | undefined;

  constructor(
    readonly key: string,
    readonly dtype: TorchDtype,
    readonly numel: number,
  ) {}
}

/**
 * What a persistent id resolves to: a storage, or (legacy files from torch
 * 0.1-0.3) a window of `numel` elements starting at `offset` into one.
 */
export class StorageView {
  constructor(
    readonly storage: TorchStorage,
    readonly offset: number,
    readonly numel: number,
  ) {}
}

/** A tensor as `_rebuild_tensor(_v2)` describes it; data is gathered later (see tensor-data.ts). */
export class TorchTensor {
  constructor(
    readonly view: StorageView,
    readonly storageOffset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
  ) {}

  get dtype(): TorchDtype {
    return this.view.storage.dtype;
  }
}

/** `numpy.dtype(...)` with its BUILD state applied: enough to decode a numpy scalar. */
export class NumpyDtype {
  byteOrder = '=';

  constructor(readonly code: string) {}
}
