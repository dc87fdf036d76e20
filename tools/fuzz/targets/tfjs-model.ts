import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsrnetError } from '@crowd/csrnet';
import { loadCsrnetFile } from '@crowd/csrnet/node';
import type { FuzzTarget } from '../fuzz-target.ts';
import { joinParts, scratchDir, splitParts } from '../src/seed-files.ts';
import { tinyTfjsModel, useCpu } from '../src/tiny-model.ts';

const dir = scratchDir('tfjs');

/**
 * loadCsrnetFile on a tfjs model folder: model.json (manifest, metadata,
 * config) and weights.bin, given as one input (JSON, NUL, weights) and
 * written to disk for each run, so the file handler's size checks run too.
 */
const target: FuzzTarget = {
  name: 'tfjs-model',
  async seeds() {
    const { modelJson, weights } = await tinyTfjsModel(join(dir, 'seed'));
    const unchecked = JSON.parse(modelJson);
    delete unchecked.userDefinedMetadata.csrnet.weightsSha256;
    // Without the checksum, mutated weights get past it to the shape and finiteness checks.
    return [joinParts(modelJson, weights), joinParts(JSON.stringify(unchecked), weights)];
  },
  async run(bytes) {
    await useCpu();
    const { text, binary } = splitParts(bytes);
    writeFileSync(join(dir, 'model.json'), text);
    writeFileSync(join(dir, 'weights.bin'), binary);
    const { model } = await loadCsrnetFile(dir);
    model.dispose();
  },
  isExpectedError: (error) => error instanceof CsrnetError,
};

export default target;
