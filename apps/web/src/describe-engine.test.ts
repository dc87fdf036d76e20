import { expect, test } from 'vitest';
import { describeEngine } from './describe-engine.ts';

test('the engine line: what runs, threads and isolation or the device, and why earlier engines were skipped', () => {
  expect(
    describeEngine({
      engine: 'ort-wasm',
      name: 'onnxruntime-web (wasm)',
      threads: 2,
      crossOriginIsolated: true,
      tried: [{ engine: 'ort-webgpu', error: 'navigator.gpu.requestAdapter() found no adapter' }],
      unavailable: {},
    }),
  ).toBe('using onnxruntime-web (wasm), 2 threads, cross-origin isolated — ort-webgpu unavailable: navigator.gpu.requestAdapter() found no adapter');
  expect(describeEngine({ engine: 'ort-wasm', name: 'onnxruntime-web (wasm)', threads: 1, crossOriginIsolated: false, tried: [], unavailable: {} })).toBe(
    'using onnxruntime-web (wasm), 1 thread, not cross-origin isolated',
  );
  expect(describeEngine({ engine: 'tfjs-webgl', name: 'tfjs (webgl)', device: 'WebGL 2, SwiftShader', crossOriginIsolated: true, tried: [], unavailable: {} })).toBe('using tfjs (webgl), WebGL 2, SwiftShader');
});
