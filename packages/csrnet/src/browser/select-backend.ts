import * as tf from '@tensorflow/tfjs';
import { selectBackendFrom, type BackendCandidate, type BackendPreference, type BackendSelection } from '../backend-selection.js';

export interface BrowserBackendOptions {
  /**
   * Imports (and configures) the wasm backend. The app provides it so that
   * its bundler sees the import and serves the `.wasm` files, e.g.
   * `async () => { const w = await import('@tensorflow/tfjs-backend-wasm'); w.setWasmPaths('/wasm/'); }`.
   * Without it, wasm is reported as unavailable.
   */
  loadWasm?: () => Promise<unknown>;
}

/** The browser's backends in order of preference: webgl, wasm, cpu. */
export function browserBackendCandidates(options: BrowserBackendOptions = {}): BackendCandidate[] {
  return [
    // webgl and cpu ship inside @tensorflow/tfjs.
    { name: 'webgl', load: async () => {} },
    {
      name: 'wasm',
      async load() {
        if (options.loadWasm === undefined) throw new Error('no loadWasm option was given');
        await options.loadWasm();
        // Threads bring no speed-up (tfjs keeps one), and with COOP/COEP headers
        // a minified build's pthread workers crash and setBackend never settles.
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      },
    },
    { name: 'cpu', load: async () => {} },
  ];
}

/**
 * Picks and activates a tfjs backend in a browser: `'auto'` tries webgl,
 * then wasm (if `options.loadWasm` is given), then cpu. Naming one that
 * cannot start throws `CsrnetError('BACKEND_UNAVAILABLE')` with the reasons.
 */
export function selectBackend(preference: BackendPreference = 'auto', options: BrowserBackendOptions = {}): Promise<BackendSelection> {
  return selectBackendFrom(preference, browserBackendCandidates(options), 'the browser');
}
