#!/usr/bin/env node
// Data-parallel training on the CPU: `workerCompute` (@crowd/train/node, one
// model replica per worker thread) against one thread, on the wasm backend.
// Uses the BUILT packages: `npm run build` first.
//
//   node tools/bench/train-workers.mjs [--runs=3] [--full=0] [--epoch=0] [--threads=0]
//
// 1. A training step at 256×256 (batch 2: sum-SE loss and gradients of two
//    examples, one SGD update), ÷8 and full-width CSRNet: in this thread
//    (`inProcessCompute`, what `--workers 1` runs), on 1 worker and on 2.
//    The runs alternate between the three, so load from other jobs hits them
//    alike. The warm-up prints each one's loss at the same initial weights.
//    Then the machine's ceiling: 2 × one example alone on a worker, over two
//    independent examples at once on two separate workers (no sum, no update).
// 2. One epoch (steps and validation) of the bundled mini ShanghaiTech
//    (7 training, 6 validation images), ÷8 model, batch 2: full images, and
//    the paper's nine patches. The losses of 1 and 2 workers are compared bit for bit.
// 3. Unless --threads=0, the alternative: tfjs-wasm's own
//    pthreads, forced on in a child process (see wasmThreadsHacks), timing the same
//    step in one thread of JS.
// Ratios are measured in the same run. The machine's load average is printed
// before and after each part: other jobs on the cores disturb the figures.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const runs = Number(args.runs ?? 3);
const full = args.full !== '0';
const threads = args.threads !== '0';
const epoch = args.epoch !== '0';

/**
 * tfjs-wasm 4.22 hard-codes "no threads" in Node (tfjs#3830). Forcing them
 * takes four hacks, each pinned to the bundle's internals: the flag; Blob and
 * URL.createObjectURL replaced so emscripten's pthread script and the module
 * factory become files a worker_threads Worker can load; the factory's source
 * given the bundle's rollup names (`require$$0`… and `commonjsGlobal`); and
 * os.cpus() doubled, since tfjs starts cores ÷ 2 threads. The pthreads then
 * keep the process alive: it has to exit explicitly.
 */
async function wasmThreadsHacks() {
  const dir = mkdtempSync(join(os.tmpdir(), 'wasm-threads-'));
  let mainScript;
  let n = 0;
  const NativeBlob = globalThis.Blob;
  globalThis.Blob = class extends NativeBlob {
    constructor(parts, options) {
      super(parts, options);
      this.source = parts.join('');
      if (this.source.startsWith('var WasmBackendModuleThreadedSimd')) {
        mainScript = join(dir, 'factory.js');
        const names = "var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os'), commonjsGlobal = globalThis;";
        writeFileSync(mainScript, `${names}\n${this.source}`);
      }
    }
  };
  URL.createObjectURL = (blob) => {
    const path = join(dir, `pthread-${n++}.js`);
    writeFileSync(path, `URL.createObjectURL = () => ${JSON.stringify(mainScript)};\n${blob.source}`);
    return path;
  };
  const cpus = os.cpus;
  os.cpus = () => [...cpus(), ...cpus()];
  await import('@tensorflow/tfjs-backend-wasm'); // registers the flag
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  return dir;
}

const hackDir = args.child === 'wasm-threads' ? await wasmThreadsHacks() : undefined;

let csrnet, node, trainPkg, trainNode, datasets;
try {
  csrnet = await import('@crowd/csrnet');
  node = await import('@crowd/csrnet/node');
  trainPkg = await import('@crowd/train');
  trainNode = await import('@crowd/train/node');
  datasets = await import('@crowd/datasets/node');
} catch (error) {
  console.error(`cannot import the built packages (${error.message}).\nBuild them first: npm run build`);
  process.exit(1);
}
const { createCsrnet } = csrnet;
const { createOptimizer, inProcessCompute, resolveTrainConfig, train } = trainPkg;
const { fileTrainingSet, fileValidationSet, workerCompute } = trainNode;

await node.selectBackend('wasm');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => `load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;

/** Two 256×256 examples: seeded pixels, and a density of about 100 heads each. */
function stepBatch() {
  let s = 1;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  return [0, 1].map((i) => ({
    name: `random-${i}`,
    image: { data: Uint8Array.from({ length: 256 * 256 * 3 }, () => Math.floor(next() * 256)), width: 256, height: 256 },
    density: { height: 256, width: 256, data: Float32Array.from({ length: 256 * 256 }, () => (next() * 2 * 100) / (256 * 256)) },
  }));
}

/** One training step (batch 2) as the loop takes it: gradients, one SGD update. */
async function timeStep(model, optimizer, compute, batch) {
  const t0 = performance.now();
  const { loss, grads } = await compute.gradients(model, batch, 'sum', 'bench');
  optimizer.step(grads);
  tf.dispose([...grads.values()]);
  return { ms: performance.now() - t0, loss };
}

const SGD = resolveTrainConfig({ preset: 'reference' });

if (args.child === 'wasm-threads') {
  // One model, in this thread, with tfjs's pthreads; reports as JSON to the parent.
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  const model = createCsrnet({ widthDivisor: Number(args.width) }, { kind: 'he', seed: 0 });
  const optimizer = createOptimizer(model, SGD);
  const batch = stepBatch();
  const first = await inProcessCompute.gradients(model, batch, 'sum', 'bench');
  tf.dispose([...first.grads.values()]);
  const ms = [];
  for (let r = 0; r < runs; r++) ms.push((await timeStep(model, optimizer, inProcessCompute, batch)).ms);
  console.log(JSON.stringify({ threads: getThreadsCount(), firstLoss: first.loss, min: Math.min(...ms), median: median(ms) }));
  rmSync(hackDir, { recursive: true, force: true });
  process.exit(0);
}

console.log(`train-workers benchmark: node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model}), wasm, ${runs} timed runs after 1 warm-up`);

const engines = { 'this thread': inProcessCompute, '1 worker': workerCompute({ workers: 1 }), '2 workers': workerCompute({ workers: 2 }) };
const stepResults = {};
const second = workerCompute({ workers: 1 });

console.log(`\n1. training step, 256×256, batch 2 (${load()})`);
for (const widthDivisor of full ? [8, 1] : [8]) {
  const label = widthDivisor === 1 ? 'full width' : `÷${widthDivisor}`;
  const model = createCsrnet({ widthDivisor }, { kind: 'he', seed: 0 });
  const optimizer = createOptimizer(model, SGD);
  const batch = stepBatch();
  const ms = Object.fromEntries(Object.keys(engines).map((k) => [k, []]));
  const firstLoss = {};
  // Warm-up: each computes the batch's loss and gradients once at the same weights (no update), which also starts the workers.
  for (const [name, engine] of Object.entries(engines)) {
    const { loss, grads } = await engine.gradients(model, batch, 'sum', 'bench');
    tf.dispose([...grads.values()]);
    firstLoss[name] = loss;
  }
  for (let r = 0; r < runs; r++) for (const [name, engine] of Object.entries(engines)) ms[name].push((await timeStep(model, optimizer, engine, batch)).ms);
  const t = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, { min: Math.min(...v), median: median(v) }]));
  stepResults[widthDivisor] = { ...t, firstLoss: firstLoss['this thread'] };
  for (const [name, { min, median: med }] of Object.entries(t)) {
    console.log(`  ${label.padEnd(10)} ${name.padEnd(12)} min ${min.toFixed(0).padStart(6)} ms  median ${med.toFixed(0).padStart(6)} ms`);
  }
  const ratio = (a, b) => (t[a].median / t[b].median).toFixed(2);
  console.log(`  ${label.padEnd(10)} speed-up of 2 workers (medians): ×${ratio('this thread', '2 workers')} over this thread, ×${ratio('1 worker', '2 workers')} over 1 worker`);
  // The machine's ceiling: one example alone on a worker, against two independent ones at once on two
  // separate 1-worker engines (no shared sum, no update): what the cores give two computations at once.
  const alone = [];
  const together = [];
  const gradientsOf = async (engine, examples) => tf.dispose([...(await engine.gradients(model, examples, 'sum', 'bench')).grads.values()]);
  await gradientsOf(second, [batch[1]]);
  for (let r = 0; r < runs; r++) {
    let t0 = performance.now();
    await gradientsOf(engines['1 worker'], [batch[0]]);
    alone.push(performance.now() - t0);
    t0 = performance.now();
    await Promise.all([gradientsOf(engines['1 worker'], [batch[0]]), gradientsOf(second, [batch[1]])]);
    together.push(performance.now() - t0);
  }
  console.log(`  ${label.padEnd(10)} ceiling: one example alone ${median(alone).toFixed(0)} ms, two at once on separate workers ${median(together).toFixed(0)} ms: ×${((2 * median(alone)) / median(together)).toFixed(2)} (medians)`);
  console.log(`  ${label.padEnd(10)} loss at the initial weights: ${Object.entries(firstLoss).map(([k, v]) => `${v} (${k})`).join(', ')}`);
  optimizer.dispose();
  model.dispose();
}
console.log(`  (${load()})`);

if (epoch) console.log(`\n2. one epoch of the mini ShanghaiTech, ÷8, batch 2, steps and validation (${load()})`);
const mini = fileURLToPath(new URL('../fixtures/shanghaitech-mini', import.meta.url));
const samples = await datasets.findSamples(mini);
const trainSet = samples.filter((s) => s.split === 'train');
const valSet = samples.filter((s) => s.split === 'test');
const epochConfigs = {
  'full images': { preset: 'reference', repeat: 1, batch: 2, epochs: 1, seed: 1 },
  'nine patches': { preset: 'paper', batch: 2, epochs: 1, seed: 1 },
};
for (const [label, config] of Object.entries(epoch ? epochConfigs : {})) {
  const seconds = Object.fromEntries(Object.keys(engines).map((k) => [k, []]));
  const losses = {};
  for (let r = 0; r <= runs; r++) {
    for (const [name, compute] of Object.entries(engines)) {
      const stepLosses = [];
      const t0 = performance.now();
      const result = await train({
        config,
        data: fileTrainingSet(trainSet),
        validation: fileValidationSet(valSet),
        init: () => ({ model: createCsrnet({ widthDivisor: 8 }, { kind: 'he', seed: 0 }) }),
        compute,
        callbacks: { onStep: (s) => stepLosses.push(s.loss) },
      });
      const elapsed = (performance.now() - t0) / 1000;
      result.model.dispose();
      losses[name] = stepLosses;
      if (r > 0) seconds[name].push(elapsed); // the first pass warms the caches and the workers
    }
  }
  const steps = losses['2 workers'].length;
  for (const [name, s] of Object.entries(seconds)) console.log(`  ${label.padEnd(13)} ${name.padEnd(12)} min ${Math.min(...s).toFixed(2)} s  median ${median(s).toFixed(2)} s  (${steps} steps)`);
  const same = JSON.stringify(losses['1 worker']) === JSON.stringify(losses['2 workers']);
  const ratio = (a, b) => (median(seconds[a]) / median(seconds[b])).toFixed(2);
  console.log(`  ${label.padEnd(13)} speed-up of 2 workers (medians): ×${ratio('this thread', '2 workers')} over this thread, ×${ratio('1 worker', '2 workers')} over 1 worker; step losses of 1 and 2 workers ${same ? 'bit-identical' : 'DIFFER'}`);
}
if (epoch) console.log(`  (${load()})`);
await engines['1 worker'].close();
await engines['2 workers'].close();
await second.close();

if (threads) {
  console.log(`\n3. tfjs-wasm's own threads (forced), training step 256×256, batch 2, in one JS thread (${load()})`);
  for (const widthDivisor of full ? [8, 1] : [8]) {
    const label = widthDivisor === 1 ? 'full width' : `÷${widthDivisor}`;
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child=wasm-threads', `--width=${widthDivisor}`, `--runs=${runs}`], { encoding: 'utf8' });
    const line = child.stdout.trim().split('\n').at(-1);
    if (child.status !== 0 || line === undefined || !line.startsWith('{')) {
      console.log(`  ${label.padEnd(10)} failed (exit ${child.status}): ${child.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      continue;
    }
    const r = JSON.parse(line);
    const t = stepResults[widthDivisor];
    console.log(
      `  ${label.padEnd(10)} ${`${r.threads} pthreads`.padEnd(12)} min ${r.min.toFixed(0).padStart(6)} ms  median ${r.median.toFixed(0).padStart(6)} ms  ` +
        `(×${(t['this thread'].median / r.median).toFixed(2)} over this thread; 2 workers ×${(r.median / t['2 workers'].median).toFixed(2)} over it)`,
    );
    console.log(`  ${label.padEnd(10)} loss at the initial weights ${r.firstLoss} (one thread: ${t.firstLoss})`);
  }
  console.log(`  (${load()})`);
}
