#!/usr/bin/env node
// The README's main job on the bundled sample data: a fresh copy of the mini
// ShanghaiTech tree (annotations and images only) gets its density maps from
// `crowd prepare`, which prints per-image counts.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const outDir = join(root, 'out', 'quickstart');
const data = join(outDir, 'shanghaitech-mini');
const cli = join(root, 'apps', 'trainer', 'dist', 'cli.js');

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
cpSync(join(root, 'tools', 'fixtures', 'shanghaitech-mini'), data, {
  recursive: true,
  filter: (source) => extname(source) !== '.h5',
});

function crowd(...args) {
  console.log(`\n$ crowd ${args.join(' ')}`);
  const run = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', cwd: root });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

crowd('prepare', relative(root, data));
console.log(`\nDensity maps (IMG_n.h5, dataset "density") were written next to the annotations under ${relative(root, data)}/`);
