import { rename, rm } from 'node:fs/promises';
import { CountError, type CountErrorCode } from '../errors.js';
import { modelUrls, type ModelEntry } from '../models/model-registry.js';
import { DownloadFailure, downloadFile, type DownloadProgress } from './download-file.js';
import { acquireDownloadLock } from './download-lock.js';
import { cachedModelPath, checkCachedModel, modelCacheDir, PARTIAL_SUFFIX, removeCachedModel, sha256File, writeModelRecord } from './model-cache.js';

/** A base URL that replaces every registry URL: `<mirror>/<fileName>` (behind a firewall, or a test's local server). */
export const MODELS_MIRROR_ENV = 'CROWD_MODELS_MIRROR';

/** Options of {@link ensureModel}. */
export interface EnsureModelOptions {
  /** @default modelCacheDir() (`$CROWD_CACHE_DIR/models` or the user's cache folder) */
  cacheDir?: string;
  /** A base URL holding the registry's files by name. @default process.env.CROWD_MODELS_MIRROR */
  mirror?: string;
  /** Never download: a model that is not cached (or is corrupt) is an error saying what to fetch by hand. @default false */
  offline?: boolean;
  /** Download progress, for a progress bar. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Told why a cached file is being downloaded again (it was corrupt). */
  onWarning?: (message: string) => void;
  /** Tries per URL, resumes included. @default 3 */
  attempts?: number;
  /** Milliseconds without a byte before a transfer is abandoned and resumed. @default 30_000 */
  idleTimeout?: number;
}

/** A model file ready to load. */
export interface EnsuredModel {
  entry: ModelEntry;
  path: string;
  /** `cached`: it was there and verified; `downloaded`: fetched now. */
  status: 'cached' | 'downloaded';
  bytes: number;
  sha256: string;
}

/**
 * The cached file of a registry model, downloaded first when it is not
 * there: never downloaded twice, checked on every call (size, SHA-256: the
 * registry's or the first download's), downloaded again when it is corrupt.
 * A download goes to `<file>.partial` (resumed if an earlier one was cut
 * short), is verified, and only then renamed into place, so the cache never
 * holds a part of a file under the real name.
 *
 * @throws CountError `MODEL_MISSING` offline or for a model fetched by hand,
 *   `MODEL_DOWNLOAD` when every URL failed, `MODEL_CORRUPT` when the file
 *   downloaded (or, offline, the cached one) is not the one expected,
 *   `MODEL_BUSY` while another process downloads it. Each message says
 *   what to download by hand and where to save it.
 */
export async function ensureModel(entry: ModelEntry, options: EnsureModelOptions = {}): Promise<EnsuredModel> {
  const path = cachedModelPath(entry, options.cacheDir ?? modelCacheDir());
  const urls = modelUrls(entry, options.mirror ?? process.env[MODELS_MIRROR_ENV]);
  const byHand = urls[0] ?? (entry.source.kind === 'manual' ? entry.source.page : undefined);
  const instructions = `download ${byHand} by hand and save it as ${path}`;

  const cached = await checkCachedModel(entry, path);
  if (cached.state === 'verified') return { entry, path, status: 'cached', bytes: cached.bytes, sha256: cached.sha256 };
  const corrupt = cached.state === 'corrupt' ? `the cached ${entry.id} is corrupt (${cached.reason}); ` : '';
  if (options.offline) {
    throw new CountError(corrupt === '' ? 'MODEL_MISSING' : 'MODEL_CORRUPT', undefined, `${corrupt || `${entry.id} is not in the cache; `}offline, it cannot be downloaded: ${instructions}`);
  }
  if (urls.length === 0) {
    throw new CountError(
      corrupt === '' ? 'MODEL_MISSING' : 'MODEL_CORRUPT',
      undefined,
      `${corrupt}${entry.id} cannot be downloaded by crowd (Google Drive asks a browser to confirm): ${instructions} (or set ${MODELS_MIRROR_ENV} to a server holding ${entry.fileName})`,
    );
  }

  const release = await acquireDownloadLock(path, entry.id);
  try {
    // Another process may have finished it between the check above and taking the lock.
    const now = await checkCachedModel(entry, path);
    if (now.state === 'verified') return { entry, path, status: 'cached', bytes: now.bytes, sha256: now.sha256 };
    if (now.state === 'corrupt') {
      options.onWarning?.(`${path}: the cached ${entry.id} is corrupt (${now.reason}); downloading it again`);
      await removeCachedModel(path);
    }
    const failures: Array<{ url: string; code: CountErrorCode; reason: string }> = [];
    for (const url of urls) {
      const result = await downloadOne(entry, url, path, options);
      if ('sha256' in result) return { entry, path, status: 'downloaded', ...result };
      failures.push({ url, ...result });
    }
    const reasons = failures.map((f) => `${f.url}: ${f.reason}`).join('; ');
    const code = failures.some((f) => f.code === 'MODEL_CORRUPT') ? 'MODEL_CORRUPT' : 'MODEL_DOWNLOAD';
    throw new CountError(code, undefined, `could not download ${entry.id} (${reasons}); ${instructions}`);
  } finally {
    await release();
  }
}

async function downloadOne(
  entry: ModelEntry,
  url: string,
  path: string,
  options: EnsureModelOptions,
): Promise<{ bytes: number; sha256: string } | { code: CountErrorCode; reason: string }> {
  const partial = `${path}${PARTIAL_SUFFIX}`;
  let bytes: number;
  try {
    bytes = await downloadFile(url, partial, {
      ...(entry.bytes === undefined ? {} : { expectedBytes: entry.bytes }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
      ...(options.idleTimeout === undefined ? {} : { idleTimeout: options.idleTimeout }),
    });
  } catch (error) {
    if (!(error instanceof DownloadFailure)) throw error;
    return { code: error.kind === 'size' ? 'MODEL_CORRUPT' : 'MODEL_DOWNLOAD', reason: error.message };
  }
  if (entry.bytes !== undefined && bytes !== entry.bytes) {
    await rm(partial, { force: true });
    return { code: 'MODEL_CORRUPT', reason: `it is ${bytes} bytes, the registry says ${entry.bytes}` };
  }
  const sha256 = await sha256File(partial);
  if (entry.sha256 !== undefined && sha256 !== entry.sha256) {
    // Resuming it would only append to the wrong bytes: the next try starts over.
    await rm(partial, { force: true });
    return { code: 'MODEL_CORRUPT', reason: `its SHA-256 is ${sha256}, the registry says ${entry.sha256}` };
  }
  await rename(partial, path);
  await writeModelRecord(path, { id: entry.id, fileName: entry.fileName, bytes, sha256, url });
  return { bytes, sha256 };
}
