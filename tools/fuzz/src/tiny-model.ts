import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createCsrnet, saveCsrnet, stateDict } from '@crowd/csrnet';
import { fileSystemHandler } from '@crowd/csrnet/node';

let backend: Promise<boolean> | undefined;
/** The plain-JS backend, set once per worker: loading only copies float32 values. */
export const useCpu = (): Promise<boolean> => (backend ??= tf.setBackend('cpu'));

/** The smallest CSRNet (width divisor 64: 1 to 8 channels, 1,141 parameters), He-initialised with seed 1. */
async function tinyModel() {
  await useCpu();
  return createCsrnet({ widthDivisor: 64 }, { kind: 'he', seed: 1 });
}

/** A tiny CSRNet saved by saveCsrnet into `dir`: its model.json text and weights.bin. */
export async function tinyTfjsModel(dir: string): Promise<{ modelJson: string; weights: Uint8Array }> {
  const model = await tinyModel();
  await saveCsrnet(model, fileSystemHandler(dir));
  model.dispose();
  return { modelJson: readFileSync(join(dir, 'model.json'), 'utf8'), weights: new Uint8Array(readFileSync(join(dir, 'weights.bin'))) };
}

/** The same model in the `csrnet-weights/1` format: manifest JSON (with SHA-256 digests) and .bin. */
export async function tinyNeutralWeights(): Promise<{ manifest: string; bin: Uint8Array }> {
  const model = await tinyModel();
  const tensors = stateDict(model);
  model.dispose();
  const bin = new Uint8Array([...tensors.values()].reduce((n, t) => n + t.data.byteLength, 0));
  const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
  let offset = 0;
  const entries = [...tensors].map(([name, { shape, data }]) => {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    bin.set(bytes, offset);
    const entry = { name, shape, dtype: 'float32', offset, nbytes: bytes.length, sha256: sha(bytes) };
    offset += bytes.length;
    return entry;
  });
  const manifest = { format: 'csrnet-weights/1', byte_order: 'little', layout: 'OIHW', total_bytes: bin.length, sha256: sha(bin), tensors: entries };
  return { manifest: JSON.stringify(manifest), bin };
}
