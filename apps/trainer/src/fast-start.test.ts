import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { CLI } from '../test/cli.ts';

const HOOKS = fileURLToPath(new URL('../test/import-log.mjs', import.meta.url));
/** What takes hundreds of milliseconds to load, and only a command's work needs. */
const HEAVY = ['@tensorflow/', 'sharp', 'h5wasm', 'onnxruntime', 'bullmq', 'ioredis', 'fastify', 'webgpu'];

/** The packages `crowd ...args` loads, in order. */
function packagesLoaded(args: string[]): string[] {
  const log = join(mkdtempSync(join(tmpdir(), 'crowd-imports-')), 'imports.txt');
  const run = spawnSync(process.execPath, ['--import', HOOKS, CLI, ...args], { env: { ...process.env, CROWD_IMPORT_LOG: log }, encoding: 'utf8' });
  expect(run.status).toBe(0);
  const names = readFileSync(log, 'utf8')
    .split('\n')
    .map((url) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1])
    .filter((name): name is string => name !== undefined);
  return [...new Set(names)];
}

test.each(['', 'count ', 'eval ', 'train ', 'prepare ', 'export ', 'convert ', 'models ', 'queue ', 'worker ', 'serve '])(
  'crowd %s--help parses without loading tfjs, sharp, h5wasm, onnxruntime, BullMQ or Fastify',
  (command) => {
    const loaded = packagesLoaded([...command.split(' ').filter(Boolean), '--help']);
    expect(loaded).toContain('commander');
    expect(loaded.filter((name) => HEAVY.some((heavy) => name.startsWith(heavy)))).toEqual([]);
  },
);
