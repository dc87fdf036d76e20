import { readFileSync } from 'node:fs';
import { readNeutralWeights, type NamedTensors, type NeutralWeightsManifest } from '@crowd/csrnet';
import { fixture } from '@crowd/test-utils';

/** The ÷8 fixture model's manifest (tools/fixtures/csrnet/weights.json). */
export const smallManifest = JSON.parse(readFileSync(fixture('csrnet', 'weights.json'), 'utf8')) as NeutralWeightsManifest;

/** Tensors from a `.bin` laid out as the ÷8 fixture's weights.bin (weights, grads, weights after 3 steps). */
export function readSmallBin(...path: string[]): NamedTensors {
  return readNeutralWeights(smallManifest, new Uint8Array(readFileSync(fixture('csrnet', ...path))), { source: path.join('/') });
}

/** The ÷8 fixture model as a PyTorch checkpoint (zip format), for `init`. */
export const FIXTURE_CHECKPOINT = fixture('csrnet', 'zip', 'model_best.pth.tar');
