#!/usr/bin/env node
// Throughput of counting through the queue (`crowd worker` processes on one
// Redis) against `crowd count` in one process, on the same images, in the
// same run, through the BUILT CLI as a user runs it (build first: `npm run build`).
//
//   node tools/bench/queue-throughput.mjs [--images=300] [--large=40] [--runs=1]
//
// Two sets: N small JPEGs (64×64 to 160×120, made by tools/test-utils'
// writeSmallImages), where the queue's per-image cost shows, and --large
// 1024×768 JPEGs (the mini ShanghaiTech photos cropped and enlarged), where
// counting dominates; the ÷8 fixture checkpoint on the default engine (onnxruntime-node). A
// private redis-server (Debian's, AOF on with `appendfsync always`, as the
// tests run it) on a free port. Timed, wall clock:
//
// - `crowd count <dir> --json`: from its "counting with" line (model loaded)
//   to its last record line, and the whole process;
// - the queue with 1 worker, 2 workers, 2 workers of 1 onnxruntime thread
//   each, 1 worker with --concurrency 2: workers are started and their models
//   loaded first; timed from `crowd queue add` starting (hashing and adding
//   are part of the pipeline) until Redis holds N records.
//
// Each setup gets a fresh queue; the median of --runs is printed with its
// ratio to `crowd count` (images per second, higher is faster), end to end
// and steady (first record to last: the per-image cost without start-up).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { writeSmallImages } from '../test-utils/src/small-images.mjs';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const cli = join(root, 'apps', 'trainer', 'dist', 'cli.js');
if (!existsSync(cli)) {
  console.error(`the CLI is not built (${cli} is missing); run \`npm run build\` first`);
  process.exit(1);
}
const REDIS_SERVER = '/usr/bin/redis-server';
if (!existsSync(REDIS_SERVER)) {
  console.error(`${REDIS_SERVER} is missing: apt-get install redis-server`);
  process.exit(1);
}
const { Redis } = createRequire(join(root, 'packages', 'queue', 'package.json'))('ioredis');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const smallCount = Number(args.images ?? 300);
const largeCount = Number(args.large ?? 40);
const runs = Number(args.runs ?? 1);
const weights = join(root, 'tools', 'fixtures', 'csrnet', 'zip', 'model_best.pth.tar');
const work = mkdtempSync(join(os.tmpdir(), 'crowd-queue-bench-'));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `crowd ...argv`; `lines` collects stderr lines with the time each arrived. */
function start(argv) {
  const child = spawn(process.execPath, [cli, ...argv], { env: { ...process.env, FORCE_COLOR: '0' } });
  const started = performance.now();
  const stderr = [];
  let stdoutLines = 0;
  let firstLine;
  let lastLine = started;
  let buffered = '';
  child.stderr.on('data', (d) => {
    buffered += d;
    const parts = buffered.split('\n');
    buffered = parts.pop();
    for (const text of parts) stderr.push({ text, at: performance.now() });
  });
  child.stdout.on('data', (d) => {
    const n = String(d).split('\n').length - 1;
    if (n > 0) {
      stdoutLines += n;
      lastLine = performance.now();
      firstLine ??= lastLine;
    }
  });
  const exited = new Promise((resolve) => child.on('close', (code) => resolve({ code, at: performance.now() })));
  return { child, started, stderr, exited, stdout: () => ({ lines: stdoutLines, firstLine, lastLine }) };
}

async function waitFor(p, pattern) {
  for (;;) {
    const line = p.stderr.find((l) => pattern.test(l.text));
    if (line !== undefined) return line;
    if (p.child.exitCode !== null) throw new Error(`crowd exited (${p.child.exitCode}):\n${p.stderr.map((l) => l.text).join('\n')}`);
    await sleep(20);
  }
}

async function timeCount(dir, count) {
  const p = start(['count', dir, '--weights', weights, '--json']);
  const loaded = await waitFor(p, /counting with/);
  const { code, at } = await p.exited;
  const { lines, firstLine, lastLine } = p.stdout();
  if (code !== 0 || lines !== count) throw new Error(`crowd count exited ${code} after ${lines} of ${count} records`);
  return { seconds: (lastLine - loaded.at) / 1000, steady: (lastLine - firstLine) / 1000, total: (at - p.started) / 1000 };
}

async function timeQueue(url, redis, dir, count, queue, workers) {
  const ps = workers.map((extra, i) => start(['worker', '--redis', url, '--queue', queue, '--weights', weights, '--name', `bench-${i}`, ...extra]));
  await Promise.all(ps.map((p) => waitFor(p, /takes jobs/)));
  const begin = performance.now();
  const add = start(['queue', 'add', dir, '--redis', url, '--queue', queue, '--weights', weights]);
  const key = `crowd:${queue}:results`;
  let first;
  for (;;) {
    const stored = await redis.hlen(key);
    if (stored > 0) first ??= performance.now();
    if (stored >= count) break;
    await sleep(5);
  }
  const end = performance.now();
  const seconds = (end - begin) / 1000;
  if ((await add.exited).code !== 0) throw new Error(`crowd queue add failed:\n${add.stderr.map((l) => l.text).join('\n')}`);
  for (const p of ps) p.child.kill('SIGTERM');
  for (const p of ps) if ((await p.exited).code !== 0) throw new Error(`a worker did not stop cleanly:\n${p.stderr.map((l) => l.text).join('\n')}`);
  return { seconds, steady: (end - first) / 1000 };
}

/** `count` distinct 1024×768 JPEGs: crops of the mini ShanghaiTech photos that move 3 px per image, enlarged. */
async function writeLargeImages(dir, count) {
  const { mkdirSync, readdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  const photos = ['A', 'B'].flatMap((part) =>
    ['test_data', 'train_data'].flatMap((split) => {
      const folder = join(root, 'tools', 'fixtures', 'shanghaitech-mini', `part_${part}`, split, 'images');
      return readdirSync(folder).map((name) => join(folder, name));
    }),
  );
  for (let i = 0; i < count; i++) {
    const photo = sharp(photos[i % photos.length]);
    const { width, height } = await photo.metadata();
    const shift = 3 * Math.floor(i / photos.length);
    await photo
      .extract({ left: shift % 40, top: shift % 30, width: width - 40, height: height - 30 })
      .resize(1024, 768, { fit: 'fill' })
      .jpeg({ quality: 90 })
      .toFile(join(dir, `large-${String(i).padStart(3, '0')}.jpg`));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const port = await freePort();
const server = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--dir', work, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: 'ignore' });
const url = `redis://127.0.0.1:${port}`;
const redis = new Redis(url, { retryStrategy: (n) => Math.min(n * 50, 500) });
redis.on('error', () => {});
try {
  await new Promise((resolve) => redis.once('ready', resolve));
  const small = join(work, 'small');
  await writeSmallImages(small, smallCount);
  const large = join(work, 'large');
  await writeLargeImages(large, largeCount);
  console.log(
    `queue throughput bench: node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model}), load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`÷8 fixture checkpoint, default engine; Redis with AOF (appendfsync always); median of ${runs} run(s)`);
  const setups = [
    ['queue: 1 worker', [[]]],
    ['queue: 2 workers', [[], []]],
    ['queue: 2 workers, --threads 1 each', [['--threads', '1'], ['--threads', '1']]],
    ['queue: 1 worker, --concurrency 2', [['--concurrency', '2']]],
  ];
  for (const [title, dir, count] of [
    [`${smallCount} images, 64×64 to 160×120 JPEG`, small, smallCount],
    [`${largeCount} images, 1024×768 JPEG`, large, largeCount],
  ]) {
    if (count === 0) continue;
    const countRuns = [];
    const queueRuns = setups.map(() => []);
    for (let run = 0; run < runs; run++) {
      countRuns.push(await timeCount(dir, count));
      for (const [i, [, workers]] of setups.entries()) queueRuns[i].push(await timeQueue(url, redis, dir, count, `bench-${count}-${run}-${i}`, workers));
    }
    const rate = (rs, key, n) => n / median(rs.map((r) => r[key]));
    const [base, baseSteady] = [rate(countRuns, 'seconds', count), rate(countRuns, 'steady', count - 1)];
    const line = (label, rs, note = '') => {
      const [all, steady] = [rate(rs, 'seconds', count), rate(rs, 'steady', count - 1)];
      console.log(`${label.padEnd(36)} ${all.toFixed(1).padStart(6)} images/s ×${(all / base).toFixed(2)}   ${steady.toFixed(1).padStart(6)} images/s ×${(steady / baseSteady).toFixed(2)}${note}`);
    };
    console.log(`\n${title}:${' '.repeat(Math.max(1, 36 - title.length))}   end to end            steady`);
    line('crowd count (one process)', countRuns, `   (whole process with model load: ${median(countRuns.map((r) => r.total)).toFixed(2)} s)`);
    for (const [i, [label]] of setups.entries()) line(label, queueRuns[i]);
  }
  console.log(
    "\n×: over crowd count's images per second in the same run. End to end: from the model loaded (crowd count) or `crowd queue add` starting " +
      '(its start-up, hashing and adding included) to the last record; steady: from the first record to the last.',
  );
} finally {
  redis.disconnect();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.on('close', resolve));
  rmSync(work, { recursive: true, force: true });
}
