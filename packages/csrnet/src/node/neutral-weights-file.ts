import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CsrnetError } from '../errors.js';
import type { NamedTensors } from '../named-tensors.js';
import { readNeutralWeights, verifyNeutralWeights } from '../neutral-weights.js';

/**
 * Reads a `csrnet-weights/1` manifest and the `.bin` it names (beside it),
 * checks the SHA-256 digests it lists, and returns the tensors (state_dict
 * names, OIHW), ready for `createCsrnet` or `loadStateDict`.
 */
export async function readNeutralWeightsFile(manifestPath: string): Promise<NamedTensors> {
  const read = async (path: string): Promise<Buffer> => {
    try {
      return await readFile(path);
    } catch (error) {
      throw new CsrnetError('WEIGHTS_FORMAT', path, `cannot read: ${(error as Error).message}`, { cause: error });
    }
  };
  const text = (await read(manifestPath)).toString('utf8');
  let manifest: { bin?: unknown };
  try {
    manifest = JSON.parse(text) as { bin?: unknown };
  } catch (error) {
    throw new CsrnetError('WEIGHTS_FORMAT', manifestPath, `expected a JSON csrnet-weights/1 manifest (${(error as Error).message})`, { cause: error });
  }
  if (typeof manifest?.bin !== 'string') throw new CsrnetError('WEIGHTS_FORMAT', manifestPath, `expected "bin" to name the weights file, found ${JSON.stringify(manifest?.bin)}`);
  const bin = new Uint8Array(await read(join(dirname(manifestPath), manifest.bin)));
  await verifyNeutralWeights(manifest, bin, { source: manifestPath });
  return readNeutralWeights(manifest, bin, { source: manifestPath });
}
