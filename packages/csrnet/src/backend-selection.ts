import * as tf from '@tensorflow/tfjs';
import { CsrnetError } from './errors.js';

/**
 * tfjs backends this package knows how to pick. `tensorflow` is tfjs-node's
 * native (CPU or CUDA) backend; `webgpu` is tfjs-backend-webgpu, on Dawn in Node.
 */
export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'webgl' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'webgl', 'cpu'];

/** What a candidate's `load` is told. */
export interface BackendLoadContext {
  /** Whether `'auto'` is choosing (a candidate may then refuse a slow variant, e.g. a software GPU) or the backend was named. */
  auto: boolean;
}

/** A backend that may be available: `load` imports whatever registers it and rejects if it cannot. */
export interface BackendCandidate {
  name: BackendName;
  load(context: BackendLoadContext): Promise<void>;
}

export interface BackendAttempt {
  name: BackendName;
  /** Why it could not be used. */
  error: string;
}

export interface BackendSelection {
  /** The backend now active. */
  name: BackendName;
  /** The backends tried before it, in order, with why each failed. */
  tried: BackendAttempt[];
}

/**
 * The cpu backend prints an advert for tfjs-node on its first tensor in
 * Node. When the cpu backend was chosen on purpose (or as the last resort
 * after `tried` explained why the others failed) the advert is noise, so
 * the first write happens with tfjs's `PROD` flag on and the flag is then
 * restored. Unlike setting `IS_TEST` (which also turns on per-kernel leak
 * checks) or `enableProdMode()` (which hides all of tfjs's warnings for
 * good), this changes nothing else.
 */
function quietCpuBanner(): void {
  const env = tf.env();
  const prod = env.getBool('PROD');
  env.set('PROD', true);
  try {
    tf.tensor1d([0]).dispose();
  } finally {
    env.set('PROD', prod);
  }
}

/**
 * Activates a backend: the preferred one, or for `'auto'` the first of
 * `candidates` (in order) that loads and initialises. Naming a backend that
 * cannot be used is a `CsrnetError('BACKEND_UNAVAILABLE')` listing every
 * backend tried and why it failed; so is `'auto'` when none works.
 * `setBackend` is injectable for tests.
 */
export async function selectBackendFrom(
  preference: BackendPreference,
  candidates: readonly BackendCandidate[],
  platform: string,
  setBackend: (name: string) => Promise<boolean> = (name) => tf.setBackend(name),
): Promise<BackendSelection> {
  if (preference !== 'auto' && !BACKEND_NAMES.includes(preference)) {
    throw new CsrnetError('CONFIG_INVALID', undefined, `backend: expected 'auto' or one of ${BACKEND_NAMES.join(', ')}, got ${JSON.stringify(preference)}`);
  }
  const order = preference === 'auto' ? candidates : candidates.filter((c) => c.name === preference);
  if (order.length === 0) {
    throw new CsrnetError('BACKEND_UNAVAILABLE', undefined, `backend '${preference}' is not available in ${platform} (candidates: ${candidates.map((c) => c.name).join(', ')})`);
  }
  const tried: BackendAttempt[] = [];
  for (const candidate of order) {
    try {
      await candidate.load({ auto: preference === 'auto' });
      if (!(await setBackend(candidate.name))) throw new Error('tf.setBackend() could not initialise it');
      if (candidate.name === 'cpu') quietCpuBanner();
      return { name: candidate.name, tried };
    } catch (error) {
      tried.push({ name: candidate.name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const reasons = tried.map((t) => `${t.name}: ${t.error}`).join('; ');
  const what = preference === 'auto' ? 'no tfjs backend could be started' : `backend '${preference}' is unavailable`;
  throw new CsrnetError('BACKEND_UNAVAILABLE', undefined, `${what} in ${platform} (tried ${reasons})`);
}
