import { expect, test } from 'vitest';
import { selectBackendFrom } from '../backend-selection.js';
import { browserBackendCandidates } from './select-backend.js';

test('the browser tries webgl, then wasm (only when the app supplies loadWasm), then cpu', async () => {
  expect(browserBackendCandidates().map((c) => c.name)).toEqual(['webgl', 'wasm', 'cpu']);
  const noWebgl = async (name: string) => name !== 'webgl';
  const selection = await selectBackendFrom('auto', browserBackendCandidates(), 'the browser', noWebgl);
  expect(selection).toEqual({
    name: 'cpu',
    tried: [
      { name: 'webgl', error: 'tf.setBackend() could not initialise it' },
      { name: 'wasm', error: 'no loadWasm option was given' },
    ],
  });
  let loaded = 0;
  const withWasm = browserBackendCandidates({
    loadWasm: async () => {
      loaded += 1;
      await import('@tensorflow/tfjs-backend-wasm');
    },
  });
  expect((await selectBackendFrom('auto', withWasm, 'the browser', noWebgl)).name).toBe('wasm');
  expect(loaded).toBe(1);
});
