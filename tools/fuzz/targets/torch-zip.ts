import { CsrnetError, momentumBuffersByName, readTorchCheckpoint } from '@crowd/csrnet';
import { strideZeroCheckpoint, zipEntries } from '@crowd/test-utils';
import { zipSync } from 'fflate';
import type { FuzzTarget } from '../fuzz-target.ts';
import { csrnetCheckpoint, torchFixtures } from '../src/seed-files.ts';

/** readTorchCheckpoint on zip-format files (torch >= 1.6): the central directory, lazily read entries, data.pkl. */
const target: FuzzTarget = {
  name: 'torch-zip',
  async seeds() {
    const fixtures = torchFixtures('zip');
    // A deflated re-zip, so that the capped inflate path is fuzzed too (torch.save stores entries).
    const deflated = zipSync(Object.fromEntries(zipEntries(fixtures[0]).map(({ name, data }) => [name, data])), { level: 6 });
    return [...fixtures, deflated, strideZeroCheckpoint('zip', 3, [8, 8]), csrnetCheckpoint('zip')];
  },
  run(bytes) {
    const checkpoint = readTorchCheckpoint(bytes, 'fuzz.pth');
    if (checkpoint.optimizer !== undefined) momentumBuffersByName(checkpoint, 'fuzz.pth');
    return checkpoint.stateDict.size;
  },
  isExpectedError: (error) => error instanceof CsrnetError,
};

export default target;
