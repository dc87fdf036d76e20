import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { build, preview, type PreviewServer } from 'vite';

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

/** `vite build` of the app (its own vite.config.ts) into `outDir`, quietly. */
export async function buildApp(root: string, outDir: string): Promise<void> {
  await build({ root, mode: 'production', logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

/** `vite preview` of a build on 127.0.0.1 and a free port. */
export async function previewApp(root: string, outDir: string): Promise<{ server: PreviewServer; url: string }> {
  const port = await freePort();
  const server = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true, open: false } });
  return { server, url: `http://127.0.0.1:${port}/` };
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
