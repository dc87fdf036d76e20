import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import type { FuzzTarget } from '../fuzz-target.ts';
// The VM's own modules (not the package entry), so CsrnetError is the class the VM throws.
import { CsrnetError } from '../../../packages/csrnet/src/errors.ts';
import { unpickle } from '../../../packages/csrnet/src/torch/pickle.ts';
import { parseStorageId } from '../../../packages/csrnet/src/torch/storage-id.ts';
import { resolveTorchGlobal } from '../../../packages/csrnet/src/torch/torch-globals.ts';
import { StorageView, TorchStorage } from '../../../packages/csrnet/src/torch/torch-objects.ts';
import { csrnetCheckpoint, torchFixtures } from '../src/seed-files.ts';

const VALUES = (protocol: number): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`../../../packages/csrnet/test/fixtures/torch/values-protocol${protocol}.pkl`, import.meta.url)));

/**
 * The pickle VM alone, with the checkpoint allow-list and storage ids (but
 * no storage data): every opcode, the limits, torch's rebuild functions.
 */
const target: FuzzTarget = {
  name: 'pickle',
  async seeds() {
    const dataPkls = [...torchFixtures('zip'), csrnetCheckpoint('zip')].map((zip) => {
      const entries = unzipSync(zip, { filter: (file) => file.name.endsWith('/data.pkl') });
      return Object.values(entries)[0];
    });
    return [VALUES(2), VALUES(4), ...dataPkls];
  },
  run(bytes) {
    return unpickle(bytes, 0, {
      source: 'fuzz.pkl',
      resolveGlobal: resolveTorchGlobal,
      persistentLoad(pid) {
        const id = parseStorageId(pid);
        return new StorageView(new TorchStorage(id.key, id.storageType.dtype, id.numel), 0, id.numel);
      },
    }).end;
  },
  isExpectedError: (error) => error instanceof CsrnetError,
};

export default target;
