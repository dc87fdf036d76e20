#!/usr/bin/env node
// Images per second of `crowd count` (the BUILT CLI, as a user runs it; `npm run build`
// first) against the reference's own inference loop in PyTorch, in the same run.
//
//   node tools/bench/count-throughput.mjs [--images=50] [--size=768x576] [--wasm-images=5] [--no-wasm]
//
// - 50 photos of 768×576, made now from the tools/fixtures/shanghaitech-mini photos with sharp
//   (each of the 13 resized, then mirrored and flipped for the next rounds; JPEG q90).
// - The full-width CSRNet with the deterministic formula weights (tools/fixtures/README.md §5),
//   saved as `.onnx` (what `crowd export --onnx` writes) and as a tfjs model.
// - `crowd count DIR --weights model.onnx --json`: onnxruntime-node on every core (the default engine).
// - PyTorch 1.13 (Debian's /usr/bin/python3), 2 threads: Pillow decode, .convert('RGB'), ToTensor,
//   Normalize, forward, sum, per photo (tools/bench/torch-csrnet.py count).
// - For reference, `crowd count --engine tfjs --backend wasm` on the first 5 photos (≈ 20 s each).
// Both sides print a line per photo as it is counted; this script timestamps the lines. "Steady"
// images/s leave out start-up (process, imports, model load, first image): (n − 1) / (last − first line).
// "End to end" is n / the whole command's wall time. Counts are compared photo by photo.
import { spawn } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTorch, writeFormulaWeights } from './torch-baseline.mjs';
import { loadLine, parseArgs, parseSize } from './timing.mjs';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const cli = join(root, 'apps', 'trainer', 'dist', 'cli.js');
let csrnet, csrnetNode, sharp;
try {
  if (!existsSync(cli)) throw new Error(`${cli} is missing`);
  csrnet = await import('@crowd/csrnet');
  csrnetNode = await import('@crowd/csrnet/node');
  sharp = (await import('sharp')).default;
} catch (error) {
  console.error(`cannot use the built CLI and packages (${error.message}).\nBuild first: npm run build`);
  process.exit(1);
}
const { createCsrnet, csrnetToOnnx, resolveCsrnetConfig, saveCsrnet } = csrnet;

const args = parseArgs();
const count = Number(args.images ?? 50);
const [width, height] = parseSize(String(args.size ?? '768x576'));
const wasmImages = args['no-wasm'] === true ? 0 : Number(args['wasm-images'] ?? 5);
const fixtures = join(root, 'tools', 'fixtures', 'shanghaitech-mini');

const work = mkdtempSync(join(os.tmpdir(), 'crowd-count-throughput-'));

/** The mini ShanghaiTech photos, in a fixed order. */
function sourcePhotos() {
  const out = [];
  for (const part of ['part_A', 'part_B']) {
    for (const split of ['test_data', 'train_data']) {
      const dir = join(fixtures, part, split, 'images');
      for (const name of readdirSync(dir).sort()) out.push(join(dir, name));
    }
  }
  return out;
}

/** `n` photos of width × height in `dir`: each source resized, then mirrored and flipped on later rounds. */
async function makePhotos(dir, n) {
  mkdirSync(dir);
  const sources = sourcePhotos();
  for (let i = 0; i < n; i++) {
    const round = Math.floor(i / sources.length);
    let image = sharp(sources[i % sources.length]).resize(width, height, { fit: 'fill' });
    if (round % 2 === 1) image = image.flop();
    if (round % 4 >= 2) image = image.flip();
    const name = `img_${String(i).padStart(4, '0')}.jpg`;
    await image.jpeg({ quality: 90 }).toFile(join(dir, name));
  }
  return dir;
}

/** Runs `node cli.js …argv`; resolves to the wall seconds, the JSON lines and when each arrived (s after the start), and stderr. */
function crowd(argv) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, ...argv], { env: { ...process.env, FORCE_COLOR: '0' } });
    const lines = [];
    let pending = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      pending += chunk;
      let newline;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const text = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (text.trim() !== '') lines.push({ at: (performance.now() - started) / 1000, record: JSON.parse(text) });
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) reject(new Error(`crowd ${argv.join(' ')} exited ${code}:\n${stderr}`));
      else resolve({ seconds, lines, stderr });
    });
  });
}

/** PyTorch's loop, timestamped the same way. */
async function torchLoop(dir, threads, manifestPath) {
  const started = performance.now();
  const lines = [];
  let info;
  await runTorch(['count', '--weights', manifestPath, '--images', dir, '--threads', String(threads)], {
    onLine(object) {
      if (object.ready) info = object;
      else lines.push({ at: (performance.now() - started) / 1000, record: object });
    },
  });
  return { seconds: (performance.now() - started) / 1000, lines, info };
}

function rates({ seconds, lines }) {
  const n = lines.length;
  const steady = n > 1 ? (n - 1) / (lines[n - 1].at - lines[0].at) : NaN;
  return { n, seconds, startup: lines[0].at, steady, endToEnd: n / seconds };
}

const show = (label, r) =>
  console.log(
    `${label.padEnd(44)} ${String(r.n).padStart(3)} photos  ${r.seconds.toFixed(1).padStart(6)} s  first result ${r.startup.toFixed(1).padStart(5)} s  steady ${r.steady
      .toFixed(3)
      .padStart(6)} images/s (${(1000 / r.steady).toFixed(0)} ms each)  end to end ${r.endToEnd.toFixed(3)} images/s`,
  );

console.log(`crowd count throughput: node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model}), ${loadLine()}`);
try {
  const photos = await makePhotos(join(work, 'photos'), count);
  const config = resolveCsrnetConfig({});
  const { weights, manifestPath } = writeFormulaWeights(work);
  const onnxPath = join(work, 'csrnet.onnx');
  writeFileSync(onnxPath, csrnetToOnnx(config, weights));
  const tfjsDir = join(work, 'tfjs-model');
  if (wasmImages > 0) {
    // The cpu backend only holds the values while they are written.
    await csrnetNode.selectBackend('cpu');
    const model = createCsrnet({}, { kind: 'weights', weights, source: 'formula weights' });
    mkdirSync(tfjsDir);
    await saveCsrnet(model, csrnetNode.fileSystemHandler(tfjsDir));
    model.dispose();
  }
  console.log(`${count} photos of ${width}×${height} (JPEG q90) from the mini ShanghaiTech tree; full-width CSRNet, formula weights\n`);

  console.log(loadLine());
  const ortRun = await crowd(['count', photos, '--weights', onnxPath, '--json']);
  const engine = /counting with [^\n]*/.exec(ortRun.stderr)?.[0] ?? ortRun.stderr.trim().split('\n')[0];
  const ort = rates(ortRun);
  show('crowd count (onnxruntime-node, .onnx)', ort);
  console.log(`  ${engine}`);
  console.log(loadLine());
  const torchRun = await torchLoop(photos, 2, manifestPath);
  const torch = rates(torchRun);
  show(`PyTorch ${torchRun.info.torch} loop, 2 threads`, torch);
  console.log(loadLine());

  let wasm;
  if (wasmImages > 0) {
    const subset = join(work, 'wasm-photos');
    mkdirSync(subset);
    // The same files, linked rather than re-encoded.
    for (const name of readdirSync(photos).sort().slice(0, wasmImages)) linkSync(join(photos, name), join(subset, name));
    wasm = rates(await crowd(['count', subset, '--weights', tfjsDir, '--engine', 'tfjs', '--backend', 'wasm', '--json']));
    show('crowd count --engine tfjs --backend wasm', wasm);
    console.log(loadLine());
  }

  // Counts, photo by photo (sharp and Pillow decode JPEG ±1 grey level apart).
  const torchCounts = new Map(torchRun.lines.map(({ record }) => [record.image, record.count]));
  let worst = 0;
  for (const { record } of ortRun.lines) {
    const name = basename(record.image);
    const reference = torchCounts.get(name);
    if (reference === undefined) throw new Error(`PyTorch did not count ${name}`);
    worst = Math.max(worst, Math.abs(record.count - reference) / Math.abs(reference));
  }
  console.log(`\ncounts: crowd count vs PyTorch, worst relative difference over ${ortRun.lines.length} photos ${worst.toExponential(2)}`);
  console.log('ratios (same run):');
  console.log(`  crowd count (onnxruntime) / PyTorch 2 threads: steady ×${(ort.steady / torch.steady).toFixed(2)}, end to end ×${(ort.endToEnd / torch.endToEnd).toFixed(2)} (images/s; > 1: crowd is faster)`);
  if (wasm) console.log(`  crowd count tfjs-wasm / onnxruntime: steady ×${(wasm.steady / ort.steady).toFixed(3)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
