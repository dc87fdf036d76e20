import * as tf from '@tensorflow/tfjs';
import { createConv2dGradConfig } from './conv2d-gradient.js';
import { wasmConv2dBackpropFilter } from './wasm-conv2d-backprop-filter.js';

let installed: tf.GradConfig | undefined;

/**
 * Makes CSRNet trainable on every backend: replaces tfjs's Conv2D gradient
 * with one that supports dilation (see `createConv2dGradConfig`) and adds
 * the `Conv2DBackpropFilter` kernel the wasm backend lacks. Registering a
 * kernel for 'wasm' works whether or not the wasm backend is loaded yet.
 *
 * Idempotent and cheap, so callers may invoke it before every use. It
 * changes tfjs's global registries, which is why `@crowd/csrnet/training`
 * (which calls it on import) is listed in package.json `sideEffects`. If
 * something re-registers tfjs's own Conv2D gradient later, call it again.
 */
export function registerCsrnetGradients(): void {
  const current = tf.getGradient('Conv2D');
  if (installed === undefined || current !== installed) {
    installed = createConv2dGradConfig(current);
    tf.registerGradient(installed);
  }
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: wasmConv2dBackpropFilter });
  }
}
