#!/usr/bin/env node
// How long `crowd --help` and `crowd count --help` take, against a bare `node -e ''` measured in
// the same run: the CLI parses its arguments before it loads tfjs, sharp or onnxruntime (target
// < 0.5 s). Needs the built CLI (`npm run build`). Usage: node tools/bench/cli-start.mjs [--runs=10]
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLine, median, parseArgs } from './timing.mjs';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const cli = join(root, 'apps', 'trainer', 'bin', 'crowd.js');
const runs = Number(parseArgs().runs ?? 10);

function wallMs(args) {
  const ms = [];
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now();
    const run = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${run.status}`);
    if (i > 0) ms.push(performance.now() - t0);
  }
  return median(ms);
}

console.log(loadLine());
const bare = wallMs(['-e', '']);
console.log(`node -e ''             ${bare.toFixed(0).padStart(5)} ms`);
for (const args of [['--help'], ['count', '--help'], ['train', '--help']]) {
  const ms = wallMs([cli, ...args]);
  console.log(`crowd ${args.join(' ').padEnd(16)} ${ms.toFixed(0).padStart(5)} ms  (node start + ${(ms - bare).toFixed(0)} ms; target < 500 ms)`);
}
console.log(loadLine());
