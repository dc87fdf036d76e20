import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CsrnetError } from '../errors.js';
import { checkFileSize, formatCount, limitExceeded, resolveModelFileLimits, type ModelFileLimits } from '../limits.js';
import type { NamedTensors } from '../named-tensors.js';
import { readNeutralWeights, verifyNeutralWeights } from '../neutral-weights.js';

/**
 * Reads a `csrnet-weights/1` manifest and the `.bin` it names (beside it),
 * checks the SHA-256 digests it lists, and returns the tensors (state_dict
 * names, OIHW), ready for `createCsrnet` or `loadStateDict`. Files over
 * `limits` (`maxJsonBytes`, `maxFileBytes`) are refused before they are read.
 */
export async function readNeutralWeightsFile(manifestPath: string, options: { limits?: ModelFileLimits } = {}): Promise<NamedTensors> {
  const limits = resolveModelFileLimits(options.limits);
  const read = async (path: string, check: (bytes: number) => void): Promise<Buffer> => {
    try {
      check((await stat(path)).size);
      return await readFile(path);
    } catch (error) {
      if (error instanceof CsrnetError) throw error;
      throw new CsrnetError('WEIGHTS_FORMAT', path, `cannot read: ${(error as Error).message}`, { cause: error });
    }
  };
  const text = (
    await read(manifestPath, (bytes) => {
      if (bytes > limits.maxJsonBytes) throw limitExceeded(manifestPath, `the manifest is ${formatCount(bytes)} bytes`, 'maxJsonBytes', limits.maxJsonBytes, bytes);
    })
  ).toString('utf8');
  let manifest: { bin?: unknown };
  try {
    manifest = JSON.parse(text) as { bin?: unknown };
  } catch (error) {
    throw new CsrnetError('WEIGHTS_FORMAT', manifestPath, `expected a JSON csrnet-weights/1 manifest (${(error as Error).message})`, { cause: error });
  }
  if (typeof manifest?.bin !== 'string') throw new CsrnetError('WEIGHTS_FORMAT', manifestPath, `expected "bin" to name the weights file, found ${JSON.stringify(manifest?.bin)}`);
  const binPath = join(dirname(manifestPath), manifest.bin);
  const bin = new Uint8Array(await read(binPath, (bytes) => checkFileSize(bytes, binPath, limits)));
  // Read (which checks every entry against the .bin and the budgets) before hashing each entry's bytes.
  const tensors = readNeutralWeights(manifest, bin, { source: manifestPath, limits });
  await verifyNeutralWeights(manifest, bin, { source: manifestPath });
  return tensors;
}
