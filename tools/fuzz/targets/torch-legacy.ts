import { CsrnetError, momentumBuffersByName, readTorchCheckpoint } from '@crowd/csrnet';
import { strideZeroCheckpoint } from '@crowd/test-utils';
import type { FuzzTarget } from '../fuzz-target.ts';
import { csrnetCheckpoint, torchFixtures } from '../src/seed-files.ts';

/** readTorchCheckpoint on legacy-format files (torch < 1.6): five pickles, then raw storages. */
const target: FuzzTarget = {
  name: 'torch-legacy',
  async seeds() {
    return [
      ...torchFixtures('legacy'),
      // Views within the element budget, and the reference's training checkpoint with SGD state.
      strideZeroCheckpoint('legacy', 3, [8, 8]),
      csrnetCheckpoint('legacy'),
    ];
  },
  run(bytes) {
    const checkpoint = readTorchCheckpoint(bytes, 'fuzz.pth.tar');
    if (checkpoint.optimizer !== undefined) momentumBuffersByName(checkpoint, 'fuzz.pth.tar');
    return checkpoint.stateDict.size;
  },
  isExpectedError: (error) => error instanceof CsrnetError,
};

export default target;
