import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import envPaths from 'env-paths';
import { writeAtomically } from '@crowd/datasets/node';
import type { ModelEntry } from '../models/model-registry.js';

/** An interrupted download of `<file>` is kept as `<file>.partial`, to be resumed. */
export const PARTIAL_SUFFIX = '.partial';

/** Overrides the cache folder (models go in `$CROWD_CACHE_DIR/models/`). */
export const CACHE_DIR_ENV = 'CROWD_CACHE_DIR';

/**
 * The folder models are cached in: `$CROWD_CACHE_DIR/models`, or `models` in
 * the user's cache folder for crowd (env-paths): `$XDG_CACHE_HOME/crowd-nodejs`
 * or `~/.cache/crowd-nodejs` on Linux, `~/Library/Caches/crowd-nodejs` on
 * macOS, `%LOCALAPPDATA%\crowd-nodejs\Cache` on Windows.
 */
export function modelCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[CACHE_DIR_ENV];
  return join(override !== undefined && override !== '' ? override : envPaths('crowd').cache, 'models');
}

/** Where `entry` is (or will be) cached: `<cache>/<id>/<fileName>`. */
export function cachedModelPath(entry: ModelEntry, cacheDir: string = modelCacheDir()): string {
  return join(cacheDir, entry.id, entry.fileName);
}

/** What the cache knows of a model file it verified once: its size and SHA-256, next to it as `<file>.json`. */
export interface ModelRecord {
  id: string;
  fileName: string;
  bytes: number;
  sha256: string;
  /** Where it was downloaded from; absent for a file saved by hand. */
  url?: string;
}

const recordPath = (path: string) => `${path}.json`;

async function readRecord(path: string): Promise<ModelRecord | undefined> {
  let text;
  try {
    text = await readFile(recordPath(path), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const record = JSON.parse(text) as ModelRecord;
    return typeof record.sha256 === 'string' && Number.isSafeInteger(record.bytes) ? record : undefined;
  } catch {
    // A record cut short by a crash (it is written atomically, but a user may edit it) is as good as none.
    return undefined;
  }
}

/** Writes `<path>.json` atomically. */
export async function writeModelRecord(path: string, record: ModelRecord): Promise<void> {
  await writeAtomically(recordPath(path), (temp) => writeFile(temp, `${JSON.stringify(record, null, 2)}\n`));
}

/** Removes a cached model and its record (not a partial download). */
export async function removeCachedModel(path: string): Promise<void> {
  await rm(path, { force: true });
  await rm(recordPath(path), { force: true });
}

/** SHA-256 of a file, lowercase hex, read as a stream. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The state of a model in the cache. */
export type CachedModelState =
  /** Its size and SHA-256 match the registry's or, where it has none, the first download's. */
  | { state: 'verified'; path: string; bytes: number; sha256: string; url?: string }
  /** The file is there but is not the one recorded. */
  | { state: 'corrupt'; path: string; reason: string }
  /** Not there; `partialBytes` of an interrupted download are, to be resumed. */
  | { state: 'missing'; path: string; partialBytes?: number };

/**
 * Checks the cached file of `entry` against the registry's size and SHA-256,
 * or against the record of its first verification; a file with neither (one
 * saved by hand) is hashed and recorded now, and is checked from then on.
 */
export async function checkCachedModel(entry: ModelEntry, path: string = cachedModelPath(entry)): Promise<CachedModelState> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    const partial = await stat(`${path}${PARTIAL_SUFFIX}`).catch(() => undefined);
    return partial === undefined ? { state: 'missing', path } : { state: 'missing', path, partialBytes: partial.size };
  }
  const record = await readRecord(path);
  const bytes = entry.bytes ?? record?.bytes;
  const whose = entry.bytes !== undefined ? 'the registry says' : 'its first download was';
  if (bytes !== undefined && size !== bytes) return { state: 'corrupt', path, reason: `it is ${size} bytes, ${whose} ${bytes}` };
  const sha256 = await sha256File(path);
  const expected = entry.sha256 ?? record?.sha256;
  if (expected !== undefined && sha256 !== expected) {
    return { state: 'corrupt', path, reason: `its SHA-256 is ${sha256}, ${entry.sha256 !== undefined ? 'the registry says' : 'its first download was'} ${expected}` };
  }
  if (record === undefined || record.sha256 !== sha256) await writeModelRecord(path, { id: entry.id, fileName: entry.fileName, bytes: size, sha256 });
  return { state: 'verified', path, bytes: size, sha256, ...(record?.url === undefined ? {} : { url: record.url }) };
}
