import { selectBackend, TENSORFLOW_MODULES } from '../src/node/select-backend.js';
import type { BackendName } from '../src/backend-selection.js';

async function importable(name: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The backends every numerical test runs on: cpu and wasm always, plus
 * tfjs-node's 'tensorflow' where @tensorflow/tfjs-node(-gpu) imports.
 */
export const BACKENDS: BackendName[] = [
  ...((await importable(TENSORFLOW_MODULES[0])) || (await importable(TENSORFLOW_MODULES[1])) ? (['tensorflow'] as const) : []),
  'wasm',
  'cpu',
];

/** Activates a backend for the tests that follow. */
export async function useBackend(name: BackendName): Promise<void> {
  await selectBackend(name);
}
