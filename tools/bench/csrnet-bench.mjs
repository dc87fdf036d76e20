#!/usr/bin/env node
// CSRNet speed on each tfjs backend available here, against PyTorch on the same
// machine. Uses the BUILT package: `npx tsc -p packages/csrnet/tsconfig.build.json` first.
//
//   node tools/bench/csrnet-bench.mjs [--backends=tensorflow,wasm,cpu] [--runs=3]
//
// Full-width CSRNet (16.3 M parameters, reference init), batch 1:
// - forward (`model.predict`) at 512×384 and 1024×768: min and median ms, GFLOP/s;
// - one training step (forward, sum-MSE, backward, SGD) at 256×256.
// GFLOPs come from the architecture (2 × the multiply-accumulates of every conv);
// a training step is counted as 3 forwards (forward, input gradient, filter gradient).
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';

let csrnet;
let training;
let node;
try {
  csrnet = await import('@crowd/csrnet');
  training = await import('@crowd/csrnet/training');
  node = await import('@crowd/csrnet/node');
} catch (error) {
  console.error(`cannot import the built @crowd/csrnet (${error.message}).\nBuild it first: npx tsc -p packages/csrnet/tsconfig.build.json`);
  process.exit(1);
}
const { createCsrnet, csrnetFlops } = csrnet;
const { SGD, trainStep } = training;
const { selectBackend } = node;

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const runs = Number(args.runs ?? 3);
const wanted = (args.backends ?? 'tensorflow,wasm,cpu').split(',');

// PyTorch 1.13.1 CPU on this machine (shared/notes/reference.md, "Baselines"): min seconds.
const PYTORCH = {
  'forward 512×384': { t1: 1.701, t2: 0.903 },
  'forward 1024×768': { t1: 8.126, t2: 4.258 },
  'train step 256×256': { t1: 1.678, t2: 0.869 },
};

// The cpu backend runs at ~1.5 GFLOP/s: a 1024×768 forward (650 GFLOP) would take ~7 min.
const CPU_SKIP = 'the cpu backend is ~30x slower than wasm (1024×768 forward ≈ 7 min); measured at 64×96 only';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn, n, warmup = 1) {
  for (let i = 0; i < warmup; i++) await fn();
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return { min: Math.min(...ms), median: median(ms) };
}

function report(backend, what, t, gflop) {
  const ref = PYTORCH[what];
  const ratio = ref ? `  ×PyTorch t=1: ${(t.min / 1000 / ref.t1).toFixed(2)}, t=2: ${(t.min / 1000 / ref.t2).toFixed(2)}` : '';
  console.log(`${backend.padEnd(10)} ${what.padEnd(20)} min ${t.min.toFixed(0).padStart(6)} ms  median ${t.median.toFixed(0).padStart(6)} ms  ${(gflop / (t.min / 1000)).toFixed(1).padStart(5)} GFLOP/s${ratio}`);
}

console.log(`CSRNet benchmark: node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`runs per measurement: ${runs} after 1 warm-up\n`);

for (const backend of wanted) {
  try {
    await selectBackend(backend);
  } catch (error) {
    console.log(`${backend.padEnd(10)} skipped: ${error.message}`);
    continue;
  }
  const model = createCsrnet();
  const forward = async (h, w) => {
    const x = tf.randomNormal([1, h, w, 3]);
    const y = model.predict(x);
    await y.data();
    tf.dispose([x, y]);
  };
  if (backend === 'cpu') {
    console.log(`${backend.padEnd(10)} 512×384, 1024×768 and training skipped: ${CPU_SKIP}`);
    report(backend, 'forward 96×64', await time(() => forward(64, 96), 1, 0), csrnetFlops(model.config, 64, 96) / 1e9);
    model.dispose();
    continue;
  }
  for (const [w, h] of [
    [512, 384],
    [1024, 768],
  ]) {
    report(backend, `forward ${w}×${h}`, await time(() => forward(h, w), runs), csrnetFlops(model.config, h, w) / 1e9);
  }
  const input = tf.randomNormal([1, 256, 256, 3]);
  const target = tf.randomUniform([1, 32, 32, 1]);
  const sgd = new SGD(model, { lr: 1e-7, momentum: 0.95, weightDecay: 5e-4 });
  report(backend, 'train step 256×256', await time(() => trainStep(model, sgd, input, target), runs), (3 * csrnetFlops(model.config, 256, 256)) / 1e9);
  sgd.dispose();
  tf.dispose([input, target]);
  model.dispose();
}
