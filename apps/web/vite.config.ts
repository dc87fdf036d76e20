import { defaultClientConditions, defineConfig } from 'vite';

/**
 * The browser app. `base: './'` makes the build work from any folder (the
 * model is fetched from `./model/model.json` next to `index.html`). The
 * `@crowd/source` condition builds the workspace packages from their
 * TypeScript sources, so the app needs no prior `tsc` build of them.
 *
 * No COOP/COEP headers: with them the page is cross-origin isolated, tfjs
 * picks the threaded wasm build, whose workers break under minification and
 * make `setBackend('wasm')` hang (and threads bring no speed-up anyway).
 */
export default defineConfig({
  base: './',
  resolve: { conditions: ['@crowd/source', ...defaultClientConditions] },
  // The inference worker is an ES module, so the wasm backend stays a
  // separate chunk that loads only when wasm is chosen.
  worker: { format: 'es' },
  // The dev server's dependency scan does not follow the worker's imports;
  // listing them avoids a page reload when the worker first asks for them.
  optimizeDeps: { include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@crowd/csrnet > fflate'] },
  build: {
    target: 'es2022',
    // tfjs (core + webgl + cpu + wasm glue) is one large chunk by nature.
    chunkSizeWarningLimit: 2500,
  },
});
