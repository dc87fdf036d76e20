import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture } from '@crowd/test-utils';

/** The `crowd` launcher users run; `nx test` builds dist/ first (package.json `nx.targets.test.dependsOn`). */
export const CLI = fileURLToPath(new URL('../bin/crowd.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `crowd ...args` as a user would, in a child process; `env` adds to (or, undefined, removes from) the environment. */
export function crowd(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...process.env, FORCE_COLOR: '0', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh temp copy of the bundled mini ShanghaiTech tree, without its reference `.h5` files. */
export function copyMiniShanghaiTech(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'crowd-prepare-')), 'shanghaitech-mini');
  cpSync(fixture('shanghaitech-mini'), dir, { recursive: true, filter: (source) => extname(source) !== '.h5' });
  return dir;
}
