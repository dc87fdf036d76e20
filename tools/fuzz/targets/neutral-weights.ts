import { CsrnetError, readNeutralWeights, verifyNeutralWeights } from '@crowd/csrnet';
import type { FuzzTarget } from '../fuzz-target.ts';
import { joinParts, splitParts } from '../src/seed-files.ts';
import { tinyNeutralWeights } from '../src/tiny-model.ts';

/** readNeutralWeights + verifyNeutralWeights on a `csrnet-weights/1` manifest and .bin (one input: JSON, NUL, .bin). */
const target: FuzzTarget = {
  name: 'neutral-weights',
  async seeds() {
    const { manifest, bin } = await tinyNeutralWeights();
    const unchecked = JSON.parse(manifest);
    delete unchecked.sha256;
    for (const entry of unchecked.tensors) delete entry.sha256;
    return [joinParts(manifest, bin), joinParts(JSON.stringify(unchecked), bin)];
  },
  async run(bytes) {
    const { text, binary } = splitParts(bytes);
    const tensors = readNeutralWeights(text, binary, { source: 'fuzz.json' });
    await verifyNeutralWeights(text, binary, { source: 'fuzz.json' });
    return tensors.size;
  },
  isExpectedError: (error) => error instanceof CsrnetError,
};

export default target;
