#!/usr/bin/env node
// CSRNet inference engines on this machine's CPUs, on the SAME input and weights:
// onnxruntime-node (what `crowd count` runs by default) with 2 threads and 1,
// PyTorch 1.13 (Debian's /usr/bin/python3) with 2 threads and 1, and tfjs-wasm
// for reference. Uses the BUILT packages: `npm run build` first.
//
//   node tools/bench/engines-bench.mjs [--runs=5] [--wasm-runs=2] [--sizes=512x384,1024x768] [--no-wasm]
//
// Full-width CSRNet with the deterministic formula weights (tools/fixtures/README.md §5),
// batch 1, forward only. The input is a fixture photo resized to each size and
// normalised as the reference does, written as .npy for PyTorch. Reports min and
// median ms after 1 warm-up, GFLOP/s (`csrnetFlops`), CPU seconds per forward
// (the process's own, all threads) and the ratio ORT / PyTorch at equal threads,
// then checks the engines' outputs agree (max |diff|).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy, writeNpy } from '../test-utils/src/npy.mjs';
import { runTorch, writeFormulaWeights } from './torch-baseline.mjs';
import { loadLine, maxDiff, parseArgs, parseSize, timeRuns } from './timing.mjs';

let csrnet, csrnetNode, ort, tf, sharp;
try {
  csrnet = await import('@crowd/csrnet');
  csrnetNode = await import('@crowd/csrnet/node');
  ort = await import('onnxruntime-node');
  tf = await import('@tensorflow/tfjs');
  sharp = (await import('sharp')).default;
} catch (error) {
  console.error(`cannot import the built packages (${error.message}).\nBuild first: npm run build`);
  process.exit(1);
}
const { createCsrnet, csrnetFlops, csrnetToOnnx, IMAGENET_NORMALIZATION, normalizePixels, resolveCsrnetConfig } = csrnet;

const args = parseArgs();
const runs = Number(args.runs ?? 5);
const wasmRuns = Number(args['wasm-runs'] ?? 2);
const sizes = String(args.sizes ?? '512x384,1024x768').split(',').map(parseSize);
const PHOTO = fileURLToPath(new URL('../fixtures/shanghaitech-mini/part_A/test_data/images/IMG_2.jpg', import.meta.url));

const work = mkdtempSync(join(os.tmpdir(), 'crowd-engines-bench-'));
const config = resolveCsrnetConfig({});
const { weights, manifestPath } = writeFormulaWeights(work);
const onnx = csrnetToOnnx(config, weights);

/** The fixture photo at width × height, normalised as the reference's input: float32 [3, h, w]. */
async function input(width, height) {
  const { data } = await sharp(PHOTO).resize(width, height, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return normalizePixels(data, width, height, IMAGENET_NORMALIZATION, 'chw');
}

const fmt = (r, gflop) =>
  `min ${r.min_ms.toFixed(0).padStart(6)} ms  median ${r.median_ms.toFixed(0).padStart(6)} ms  ${(gflop / (r.min_ms / 1000)).toFixed(1).padStart(5)} GFLOP/s  CPU ${r.cpu_s_per_run
    .toFixed(2)
    .padStart(5)} s/forward`;
const line = (engine, r, gflop) => console.log(`  ${engine.padEnd(28)} ${fmt(r, gflop)}`);

console.log(`CSRNet engines bench: node ${process.version}, onnxruntime-node ${ort.env.versions?.common ?? ''}, ${os.cpus().length} cores (${os.cpus()[0]?.model}), ${loadLine()}`);
console.log(`full-width CSRNet (formula weights), batch 1; ${runs} timed runs after 1 warm-up (tfjs-wasm: ${wasmRuns})\n`);

const sessions = new Map();
for (const threads of [2, 1]) {
  // The options createOnnxEngine (crowd count) uses.
  sessions.set(threads, await ort.InferenceSession.create(onnx, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: threads }));
}
let wasmModel;
if (args['no-wasm'] !== true) {
  await csrnetNode.selectBackend('wasm');
  wasmModel = createCsrnet({}, { kind: 'weights', weights, source: 'formula weights' });
}

const summary = [];
try {
  for (const [width, height] of sizes) {
    const gflop = csrnetFlops(config, height, width) / 1e9;
    const x = await input(width, height);
    const npy = join(work, `input-${width}x${height}.npy`);
    writeNpy(npy, [1, 3, height, width], x);
    console.log(`forward ${width}×${height} (${gflop.toFixed(0)} GFLOP), ${loadLine()}`);
    const row = { size: `${width}×${height}`, gflop };

    const tensor = new ort.Tensor('float32', x, [1, 3, height, width]);
    for (const [threads, session] of sessions) {
      let out;
      const r = await timeRuns(async () => (out = (await session.run({ [session.inputNames[0]]: tensor }))[session.outputNames[0]].data), { runs });
      row[`ort${threads}`] = { ...r, out };
      line(`onnxruntime ${threads} thread${threads > 1 ? 's' : ''}`, r, gflop);
    }
    for (const threads of [2, 1]) {
      const output = join(work, `torch-${threads}-${width}x${height}.npy`);
      const [r] = await runTorch(['forward', '--weights', manifestPath, '--input', npy, '--output', output, '--threads', String(threads), '--runs', String(runs)]);
      row[`torch${threads}`] = { ...r, out: readNpy(output).data };
      line(`PyTorch ${r.torch} ${threads} thread${threads > 1 ? 's' : ''}`, r, gflop);
    }
    if (wasmModel !== undefined) {
      const nhwc = tf.tidy(() => tf.transpose(tf.tensor4d(x, [1, 3, height, width]), [0, 2, 3, 1]));
      let out;
      const r = await timeRuns(
        async () => {
          const y = wasmModel.predict(nhwc);
          out = await y.data();
          y.dispose();
        },
        { runs: wasmRuns },
      );
      nhwc.dispose();
      row.wasm = { ...r, out };
      line('tfjs-wasm (1 thread)', r, gflop);
    }
    // NHWC [1, h/8, w/8, 1] and NCHW [1, 1, h/8, w/8] hold the same values in the same order.
    const agree = [
      ['onnxruntime 2t vs PyTorch 2t', row.ort2.out, row.torch2.out],
      ['onnxruntime 1t vs 2t', row.ort1.out, row.ort2.out],
      ...(row.wasm ? [['tfjs-wasm vs PyTorch 2t', row.wasm.out, row.torch2.out]] : []),
    ].map(([name, a, b]) => `${name} ${maxDiff(a, b).diff.toExponential(1)}`);
    const scale = row.torch2.out.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    console.log(`  outputs: max |diff| ${agree.join(', ')} (max |output| ${scale.toFixed(3)})`);
    console.log(`  ${loadLine()}\n`);
    summary.push(row);
  }
} finally {
  for (const session of sessions.values()) await session.release();
  wasmModel?.dispose();
  rmSync(work, { recursive: true, force: true });
}

console.log('ratios (min ms; < 1 means onnxruntime is faster):');
for (const row of summary) {
  const r = (a, b) => (a.min_ms / b.min_ms).toFixed(2);
  const cpu = (a, b) => (a.cpu_s_per_run / b.cpu_s_per_run).toFixed(2);
  const wasm = row.wasm ? `; tfjs-wasm / ORT 1t ×${r(row.wasm, row.ort1)}` : '';
  console.log(
    `  ${row.size.padEnd(9)} ORT/PyTorch 2 threads ×${r(row.ort2, row.torch2)}, 1 thread ×${r(row.ort1, row.torch1)}; CPU s ORT/PyTorch 2t ×${cpu(row.ort2, row.torch2)}, 1t ×${cpu(
      row.ort1,
      row.torch1,
    )}; speed-up of 2 threads over 1: ORT ×${r(row.ort1, row.ort2)}, PyTorch ×${r(row.torch1, row.torch2)}${wasm}`,
  );
}
