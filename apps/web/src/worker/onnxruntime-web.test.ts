import { expect, test } from 'vitest';
import { MAX_WASM_THREADS, wasmThreads } from './onnxruntime-web.ts';

test('wasm threads: every core up to 8 when cross-origin isolated, else 1', () => {
  expect(wasmThreads(true, 2)).toBe(2);
  expect(wasmThreads(true, 16)).toBe(MAX_WASM_THREADS);
  expect(wasmThreads(true, 0)).toBe(1);
  expect(wasmThreads(false, 16)).toBe(1);
});
