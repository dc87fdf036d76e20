import { stat } from 'node:fs/promises';
import { CountError } from '../errors.js';
import { DEFAULT_MODEL_ID, MODEL_REGISTRY, type ModelEntry } from '../models/model-registry.js';
import { ensureModel, type EnsureModelOptions } from './ensure-model.js';

/** Weights ready for `createCounter`: a file, and the registry entry it came from, if any. */
export interface ResolvedWeights {
  path: string;
  /** The registry model, when `weights` named one (or was left out). */
  model?: ModelEntry;
  /** `downloaded` when it was fetched just now. */
  status?: 'cached' | 'downloaded';
}

/**
 * What `--weights` names: a file or folder that exists (it wins over a
 * registry id of the same name), else a registry id (downloaded on first
 * use, see {@link ensureModel}); left out, {@link DEFAULT_MODEL_ID}. A
 * missing path (one with a folder or an extension) is passed on for the
 * loader to report; a bare name that is neither is `MODEL_UNKNOWN`.
 */
export async function resolveWeights(weights: string | undefined, options: EnsureModelOptions = {}, registry: readonly ModelEntry[] = MODEL_REGISTRY): Promise<ResolvedWeights> {
  const name = weights ?? DEFAULT_MODEL_ID;
  if (weights !== undefined && (await stat(weights).catch(() => undefined)) !== undefined) return { path: weights };
  const entry = registry.find((m) => m.id === name);
  if (entry !== undefined) {
    const ensured = await ensureModel(entry, options);
    return { path: ensured.path, model: entry, status: ensured.status };
  }
  if (/[\\/.]/.test(name)) return { path: name };
  throw new CountError('MODEL_UNKNOWN', undefined, `${JSON.stringify(name)} is neither a file nor a registry model (known: ${registry.map((m) => m.id).join(', ')}; crowd models list)`);
}
