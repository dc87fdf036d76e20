import * as tf from '@tensorflow/tfjs';
// Vite emits the three binaries as hashed assets and gives their URLs.
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

let loading: Promise<void> | undefined;

/**
 * Registers tfjs's wasm backend with the bundled binaries (once: tfjs
 * refuses new paths after initialising). Threads stay off: they bring no
 * speed-up in tfjs 4.22, and under COOP/COEP a minified build's pthread
 * workers crash and `setBackend('wasm')` never settles.
 */
export function loadWasmBackend(): Promise<void> {
  loading ??= (async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmPlainUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
    });
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  })();
  return loading;
}
