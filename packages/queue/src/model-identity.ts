import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { MODEL_REGISTRY } from '@crowd/count';
import { QueueError } from './errors.js';

/** A model as jobs name it. */
export interface ModelIdentity {
  /** What the workers load: an absolute path (shared storage), or a registry id (each worker downloads it into its own cache). */
  weights: string;
  /** What job ids use for the model: its content digest, or `registry:<id>:<sha256>`. */
  digest: string;
  /** A registry model's preprocessing: the longest side it counts at (what `crowd count` uses when `--max-side` is not given). */
  maxSide?: number;
}

/**
 * How jobs name `weights`, a path or a registry id (`crowd models list`), as
 * `crowd count --weights` takes them. A path is named by its content, so
 * copies of one model on different machines are one model: a file's
 * SHA-256, or for a folder (a tfjs model) that of every file below it,
 * each as its relative path and bytes, in sorted order. Nothing is
 * downloaded here.
 *
 * @throws QueueError INPUT_INVALID when `weights` is neither a readable path nor a registry id.
 */
export async function modelIdentity(weights: string): Promise<ModelIdentity> {
  const info = await stat(weights).catch(() => undefined);
  const entry = info === undefined ? MODEL_REGISTRY.find((m) => m.id === weights) : undefined;
  if (entry !== undefined) {
    return { weights: entry.id, digest: `registry:${entry.id}:${entry.sha256 ?? ''}`, ...(entry.preprocessing.maxSide === undefined ? {} : { maxSide: entry.preprocessing.maxSide }) };
  }
  try {
    const hash = createHash('sha256');
    if (info === undefined) await stat(weights);
    else if (!info.isDirectory()) await hashFile(hash, weights);
    else {
      for (const file of await listFiles(weights)) {
        hash.update(`${relative(weights, file).split(sep).join('/')}\0`);
        await hashFile(hash, file);
      }
    }
    return { weights: resolve(weights), digest: hash.digest('hex') };
  } catch (error) {
    const known = MODEL_REGISTRY.map((m) => m.id).join(', ');
    throw new QueueError('INPUT_INVALID', `--weights ${weights}: neither a model file this machine can read (${(error as Error).message}) nor a registry model (${known})`, { cause: error });
  }
}

function hashFile(hash: ReturnType<typeof createHash>, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve());
  });
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}
