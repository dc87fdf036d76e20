#!/usr/bin/env node
// Benchmarks @crowd/density on a 1024×768 image with 1,500 random heads, and
// the kNN behind the adaptive σ on 10⁵ heads and on degenerate annotations.
// Build first:  npx tsc -p packages/density/tsconfig.build.json
// Run:          node tools/bench/density-bench.mjs [--runs 15]
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../../packages/density/dist/index.js', import.meta.url);
if (!existsSync(fileURLToPath(dist))) {
  console.error('packages/density/dist is missing: run `npx tsc -p packages/density/tsconfig.build.json` first.');
  process.exit(1);
}
const { adaptiveSigmas, densityMap } = await import(dist.href);

const WIDTH = 1024;
const HEIGHT = 768;
const HEADS = 1500;
const NAIVE_HEADS = 20;
const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 15;

/** mulberry32: a small seeded PRNG so every run times the same heads. */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(2018);
const heads = new Float64Array(2 * HEADS);
for (let i = 0; i < HEADS; i++) {
  heads[2 * i] = random() * WIDTH;
  heads[2 * i + 1] = random() * HEIGHT;
}
const size = { height: HEIGHT, width: WIDTH };

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(run, runs = RUNS, warmups = 3) {
  for (let i = 0; i < warmups; i++) run();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return median(times);
}

/**
 * The reference's algorithm written plainly in JS: for every head, a
 * full-image scipy-style separable Gaussian (mode 'constant', float32
 * intermediate) of a one-hot image, added into the map.
 */
function naiveAdaptive(xy, sigmas, count) {
  const density = new Float32Array(HEIGHT * WIDTH);
  const image = new Float32Array(HEIGHT * WIDTH);
  const pass = new Float32Array(HEIGHT * WIDTH);
  for (let p = 0; p < count; p++) {
    const sigma = sigmas[p];
    const r = Math.trunc(4 * sigma + 0.5);
    const w = new Float64Array(2 * r + 1);
    let sum = 0;
    for (let t = -r; t <= r; t++) sum += w[t + r] = Math.exp((-0.5 / (sigma * sigma)) * t * t);
    for (let t = 0; t < w.length; t++) w[t] /= sum;
    image.fill(0);
    image[Math.trunc(xy[2 * p + 1]) * WIDTH + Math.trunc(xy[2 * p])] = 1;
    for (let i = 0; i < HEIGHT; i++) {
      for (let j = 0; j < WIDTH; j++) {
        let v = 0;
        for (let t = -r; t <= r; t++) if (i + t >= 0 && i + t < HEIGHT) v += w[t + r] * image[(i + t) * WIDTH + j];
        pass[i * WIDTH + j] = v;
      }
    }
    for (let i = 0; i < HEIGHT; i++) {
      for (let j = 0; j < WIDTH; j++) {
        let v = 0;
        for (let t = -r; t <= r; t++) if (j + t >= 0 && j + t < WIDTH) v += w[t + r] * pass[i * WIDTH + j + t];
        density[i * WIDTH + j] += v;
      }
    }
  }
  return density;
}

const sigmas = adaptiveSigmas(heads, size);
const results = [
  ['adaptiveSigmas (kNN only)', time(() => adaptiveSigmas(heads, size))],
  ["adaptive, mode 'preserving' (default)", time(() => densityMap(heads, size))],
  ["adaptive, mode 'reference'", time(() => densityMap(heads, size, { mode: 'reference' }))],
  ["fixed σ=15, mode 'preserving'", time(() => densityMap(heads, size, { kernel: 'fixed' }))],
  ["fixed σ=15, mode 'reference'", time(() => densityMap(heads, size, { mode: 'reference', kernel: 'fixed' }))],
];
/** Interleaved heads `x0, y0, …` for `n` indices from `at(i)`. */
function heads2(n, at) {
  const xy = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) [xy[2 * i], xy[2 * i + 1]] = at(i);
  return xy;
}
const knnRandom = prng(7);
const knnCases = [
  ['10⁵ heads, half in a dense 40×40 crowd', heads2(100_000, (i) => (i % 2 ? [1024 * knnRandom(), 768 * knnRandom()] : [300 + 40 * knnRandom(), 200 + 40 * knnRandom()]))],
  ['200,000 coincident heads (one spot)', heads2(200_000, () => [123.25, 456.5])],
  ['200,000 heads in a 1e-10 px square', heads2(200_000, () => [500 + 1e-10 * knnRandom(), 400 + 1e-10 * knnRandom()])],
  ['200,000 heads on one vertical line', heads2(200_000, (i) => [5, (i * 700) / 200_000])],
];
const knnResults = knnCases.map(([what, xy]) => [what, time(() => adaptiveSigmas(xy, size), 3, 1)]);

const naiveMs = time(() => naiveAdaptive(heads, sigmas, NAIVE_HEADS), 3, 1);
const naivePerHead = naiveMs / NAIVE_HEADS;
const reference = results[2][1];

console.log(`@crowd/density on ${WIDTH}×${HEIGHT}, ${HEADS} random heads (seed 2018), Node ${process.version}, median of ${RUNS} runs after 3 warm-ups`);
for (const [what, ms] of results) console.log(`  ${what.padEnd(40)} ${ms.toFixed(1).padStart(8)} ms`);
console.log('adaptiveSigmas on larger and degenerate annotations (median of 3 after 1 warm-up):');
for (const [what, ms] of knnResults) console.log(`  ${what.padEnd(40)} ${ms.toFixed(1).padStart(8)} ms`);
console.log('Baseline (same process): the reference algorithm in plain JS, one full-image filter per head,');
console.log(`  timed on the first ${NAIVE_HEADS} heads (median of 3): ${naivePerHead.toFixed(1)} ms per head,`);
console.log(`  extrapolated linearly to ${HEADS} heads: ${((naivePerHead * HEADS) / 1000).toFixed(1)} s → adaptive 'reference' is ${Math.round((naivePerHead * HEADS) / reference)}× faster`);
console.log('Python reference (scipy, make_dataset.ipynb; docs: reference.md, measured on the 2-core project machine, not in this run):');
console.log('  24.1 s at 500 heads, 52.8 s at 2000 heads → about 43 s at 1500 heads (linear interpolation)');
console.log(`  → adaptive 'reference' is about ${Math.round(43_000 / reference)}× faster than the Python reference`);
