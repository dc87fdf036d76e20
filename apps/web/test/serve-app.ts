import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { join, normalize } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import { MODEL_ORIGINS_VARIABLE } from '../src/model-origins.ts';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Runs `task` with `CROWD_MODEL_ORIGINS` set to `value`, as vite.config.ts reads it when it loads. */
async function withModelOrigins<T>(value: string, task: () => Promise<T>): Promise<T> {
  const before = process.env[MODEL_ORIGINS_VARIABLE];
  process.env[MODEL_ORIGINS_VARIABLE] = value;
  try {
    return await task();
  } finally {
    if (before === undefined) delete process.env[MODEL_ORIGINS_VARIABLE];
    else process.env[MODEL_ORIGINS_VARIABLE] = before;
  }
}

/** `vite build` of the app (its own vite.config.ts) into `outDir`, quietly; `modelOrigins` is `CROWD_MODEL_ORIGINS` for it. */
export async function buildApp(root: string, outDir: string, modelOrigins = ''): Promise<void> {
  await withModelOrigins(modelOrigins, () => build({ root, mode: 'production', logLevel: 'warn', build: { outDir, emptyOutDir: true } }));
}

/** `vite preview` of a build on 127.0.0.1 and a free port, its headers made with the same `CROWD_MODEL_ORIGINS` as the build. */
export async function previewApp(root: string, outDir: string, modelOrigins = ''): Promise<{ server: PreviewServer; url: string }> {
  const port = await freePort();
  const server = await withModelOrigins(modelOrigins, () => preview({ root, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true, open: false } }));
  return { server, url: `http://127.0.0.1:${port}/` };
}

/**
 * Another origin serving `dir`'s files with `Access-Control-Allow-Origin: *`,
 * as a model host does: `http://localhost:<port>` (127.0.0.1 is the app's).
 */
export async function serveModelHost(dir: string, port: number): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createHttpServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = await readFile(join(dir, path));
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Access-Control-Allow-Origin': '*' }).end(body);
    } catch {
      res.writeHead(404, { 'Access-Control-Allow-Origin': '*' }).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { origin: `http://localhost:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export const CHROMIUM = '/usr/bin/chromium';

/** Fails with the fix when Debian's Chromium is missing (playwright-core never downloads a browser). */
export function requireChromium(): string {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the web app's browser test needs Debian's Chromium. Install it with: apt-get install -y chromium`);
  }
  return CHROMIUM;
}

/** Flags that work headless with no GPU: WebGL 2 still comes up, on SwiftShader (see shared notes, stack.md §8). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
