import { selectBackendFrom, type BackendCandidate, type BackendPreference, type BackendSelection } from '../backend-selection.js';
import { loadWebgpuBackend } from './webgpu-backend.js';

/**
 * Imports an optional peer dependency. The name is a variable so that tsc
 * and bundlers do not try to resolve packages that are usually absent.
 */
const importOptional = (name: string): Promise<unknown> => import(/* @vite-ignore */ name);

/** tfjs-node-gpu (CUDA) first, then tfjs-node (CPU); both register the 'tensorflow' backend. */
export const TENSORFLOW_MODULES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;
export const WASM_MODULE = '@tensorflow/tfjs-backend-wasm';

/**
 * Node's backends, fastest first: native TensorFlow, webgpu (Dawn; `auto`
 * takes it only on a hardware adapter, a named `webgpu` also on a software
 * one such as lavapipe), wasm (XNNPACK, one thread in Node), plain-JS cpu.
 */
export function nodeBackendCandidates(): BackendCandidate[] {
  return [
    {
      name: 'tensorflow',
      async load() {
        const errors: string[] = [];
        for (const name of TENSORFLOW_MODULES) {
          try {
            await importOptional(name);
            return;
          } catch (error) {
            errors.push(`${name}: ${(error as Error).message.split('\n')[0]}`);
          }
        }
        throw new Error(errors.join(' | '));
      },
    },
    {
      name: 'webgpu',
      async load({ auto }) {
        await loadWebgpuBackend({ requireHardware: auto });
      },
    },
    {
      name: 'wasm',
      async load() {
        await importOptional(WASM_MODULE);
      },
    },
    // The cpu backend ships inside @tensorflow/tfjs.
    { name: 'cpu', load: async () => {} },
  ];
}

/**
 * Picks and activates a tfjs backend in Node. `'auto'` tries tensorflow
 * (`npm i @tensorflow/tfjs-node-gpu` for CUDA or `@tensorflow/tfjs-node`),
 * then webgpu on a hardware GPU (`npm i webgpu @tensorflow/tfjs-backend-webgpu`,
 * see `loadWebgpuBackend`), then wasm (`npm i @tensorflow/tfjs-backend-wasm`),
 * then cpu, and reports why each skipped one failed. Naming a backend that
 * cannot load throws `CsrnetError('BACKEND_UNAVAILABLE')` with the reasons.
 */
export function selectBackend(preference: BackendPreference = 'auto'): Promise<BackendSelection> {
  return selectBackendFrom(preference, nodeBackendCandidates(), 'Node.js');
}
