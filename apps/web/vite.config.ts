import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { MODEL_ORIGINS_VARIABLE, modelOrigins } from './src/model-origins.ts';
import { headersFile, securityHeaders } from './src/security-headers.ts';

/** Writes the headers into the build as `_headers`, for static hosts that read it (Netlify, Cloudflare Pages). */
function headersFilePlugin(headers: Record<string, string>): Plugin {
  return {
    name: 'crowd-headers-file',
    apply: 'build',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '_headers', source: headersFile(headers) });
    },
  };
}

/**
 * The browser app. `base: './'` makes the build work from any folder (the
 * model is fetched from `./model/model.json` next to `index.html`). The
 * `@crowd/source` condition builds the workspace packages from their
 * TypeScript sources, so the app needs no prior `tsc` build of them;
 * `onnxruntime-web-use-extern-wasm` picks onnxruntime-web's build that loads
 * its wasm glue from a URL (ours, see src/worker/onnxruntime-web.ts) instead
 * of inlining it, so its pthread workers can load it too.
 *
 * Every response carries the security headers (CSP, COOP/COEP; see
 * src/security-headers.ts), with the model origins fixed now, from
 * `CROWD_MODEL_ORIGINS`: the same list goes into the CSP and into the app.
 */
const origins = modelOrigins(process.env[MODEL_ORIGINS_VARIABLE]);
const headers = securityHeaders({ modelOrigins: origins });

export default defineConfig({
  base: './',
  resolve: { conditions: ['@crowd/source', 'onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  define: { __CROWD_MODEL_ORIGINS__: JSON.stringify(origins) },
  server: { headers: securityHeaders({ modelOrigins: origins, dev: true }) },
  preview: { headers },
  plugins: [headersFilePlugin(headers)],
  // The inference worker is an ES module, so the runtimes stay separate chunks that load only when chosen.
  worker: { format: 'es' },
  // The dev server's dependency scan does not follow the worker's imports;
  // listing them avoids a page reload when the worker first asks for them.
  // onnxruntime-web stays out: pre-bundling would move it away from the wasm files it resolves.
  optimizeDeps: { include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@crowd/csrnet > fflate'], exclude: ['onnxruntime-web'] },
  build: {
    target: 'es2022',
    // tfjs (core + webgl + cpu + wasm glue) is one large chunk by nature.
    chunkSizeWarningLimit: 2500,
  },
});
