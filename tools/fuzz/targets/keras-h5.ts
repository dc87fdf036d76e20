import { CsrnetError, vggFrontendFromKerasH5 } from '@crowd/csrnet';
import type { FuzzTarget } from '../fuzz-target.ts';
import { vggFixture } from '../src/seed-files.ts';

/**
 * vggFrontendFromKerasH5 (h5wasm underneath) on Keras 1 and 2 VGG-16 weight
 * files. HDF5 is C compiled to wasm: a trap inside it (a `RuntimeError`,
 * which the reader reports as a damaged file) counts as a failure here, since
 * it means HDF5 itself went wrong. Found by this target: after about 2,800
 * damaged files in one process, HDF5's state goes bad and a later file traps
 * in close_file ("memory access out of bounds"); no single file does it, so
 * each worker reads at most 1,000 inputs.
 */
const target: FuzzTarget = {
  name: 'keras-h5',
  async seeds() {
    return ['vgg16-div32-keras1-notop.h5', 'vgg16-div32-keras2-notop.h5', 'vgg16-div32-keras2-model.h5'].map(vggFixture);
  },
  run: (bytes) => vggFrontendFromKerasH5(bytes, 'fuzz.h5'),
  isExpectedError: (error) => error instanceof CsrnetError && !(error.cause instanceof WebAssembly.RuntimeError),
  inputsPerWorker: 1000,
};

export default target;
