import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';

const CHILD = fileURLToPath(new URL('./isolated-run-child.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** What {@link runIsolated} saw. */
export interface IsolatedRun {
  /** The export's return value (structured-cloned), when it returned. */
  value?: unknown;
  /** The error it threw: name, `code`, message and a limit error's `option`, `limit` and `needed`. */
  error?: { name?: string; code?: string; option?: string; limit?: number; needed?: number; message: string };
  /** Wall time of the call alone, without the module import. */
  seconds: number;
  /** The child's peak resident set size over its whole life (kernel `ru_maxrss`), import included. */
  peakRssBytes: number;
  /** Its peak before the call, i.e. what importing the module cost. */
  rssBeforeBytes: number;
}

/**
 * Calls export `name` of the TypeScript module `module` with `args` in a
 * fresh Node process and reports its peak memory. A worker's
 * `resourceLimits` bound only the JS heap, not typed-array or wasm memory,
 * and `process.memoryUsage()` in a shared test process moves with whatever
 * else runs; the kernel's peak RSS of a process that did nothing else is
 * what a user's process would need. The child is killed after `timeoutMs`.
 */
export async function runIsolated(module: URL, name: string, args: unknown[], timeoutMs = 120_000): Promise<IsolatedRun> {
  const dir = mkdtempSync(join(tmpdir(), 'csrnet-isolated-'));
  const job = join(dir, 'job');
  const result = join(dir, 'result');
  writeFileSync(job, serialize({ module: fileURLToPath(module), name, args, root: ROOT }));
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [CHILD, job, result], { stdio: ['ignore', 'ignore', 'pipe'] });
      let text = '';
      child.stderr.on('data', (d) => (text += d));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${name} did not finish within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`the child running ${name} exited with ${code}: ${text.slice(-2000)}`));
      });
    });
    return deserialize(readFileSync(result)) as IsolatedRun;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
