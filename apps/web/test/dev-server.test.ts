/**
 * `vite` (the dev server) sends the same security headers as the build,
 * with inline styles allowed for Vite's injected CSS: COOP/COEP and a CSP
 * whose connect-src is this origin and the model origins.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { modelOrigins } from '../src/model-origins.ts';
import { securityHeaders } from '../src/security-headers.ts';
import { freePort } from './serve-app.ts';

const APP_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
let server: ViteDevServer;
let url: string;

beforeAll(async () => {
  const port = await freePort();
  // No dependency pre-bundling: only the headers are under test.
  server = await createServer({ root: APP_ROOT, logLevel: 'silent', optimizeDeps: { noDiscovery: true, include: [] }, server: { host: '127.0.0.1', port, strictPort: true, hmr: false } });
  await server.listen();
  url = `http://127.0.0.1:${port}`;
});
afterAll(() => server?.close());

test.each(['/', '/src/main.ts', '/src/style.css', '/no-such-file.png'])('dev server: %s carries the CSP (inline styles allowed), COOP and COEP', async (path) => {
  const response = await fetch(`${url}${path}`);
  const expected = securityHeaders({ modelOrigins: modelOrigins(process.env.CROWD_MODEL_ORIGINS), dev: true });
  for (const [name, value] of Object.entries(expected)) expect([name, response.headers.get(name)]).toEqual([name, value]);
  expect(expected['Content-Security-Policy']).toContain("style-src 'self' 'unsafe-inline'");
  await response.arrayBuffer();
});
