#!/usr/bin/env node
// The GPU check of GitHub issue 7 (part 4), run by tools/device/gpu-check.sh from the
// unpacked device pack (or from the repository, against the built dist/, for development):
//
//   node tools/device/gpu-check.mjs [--small] [--out=DIR] [--python=python3] [--ort-limit=150]
//
// On tfjs's webgpu backend (Dawn over Vulkan): the adapter and its limits; forward parity
// of the ÷8 fixture and of the full-width formula model against PyTorch's output.npy; the
// 3-step training parity of tools/fixtures/csrnet/train_step; the speed of a full-width
// forward at 1024×768 and of a training step at 1024×768 (ms, GFLOP/s). Then PyTorch on the
// same GPU when the machine's python3 has torch (same weights and input), and, in a child
// process (a crash there must not lose the rest), onnxruntime-node's execution providers
// (webgpu is bundled; cuda and tensorrt are downloads its install makes, impossible on a
// machine without a network) with parity and speed. Prints ONE table at the end, and
// rewrites DIR/gpu-check.md (and gpu-check.json, every number) after each check, so a run
// cut short still leaves what it measured. `--small` shrinks the speed sizes and runs (the local dry run on lavapipe).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import {
  checkDeviceLimits,
  createCsrnet,
  csrnetFlops,
  csrnetToOnnx,
  largestDeviceBuffer,
  largestSquareTile,
  readNeutralWeights,
  readStateDict,
  resolveCsrnetConfig,
} from '@crowd/csrnet';
import { describeAdapter, selectBackend, webgpuDeviceInfo } from '@crowd/csrnet/node';
import { lossAndGradients, SGD, trainStep } from '@crowd/csrnet/training';
import { runTorch, writeFormulaWeights } from '../bench/torch-baseline.mjs';
import { maxDiff, parseArgs, timeRuns } from '../bench/timing.mjs';
import { formulaWeights } from '../test-utils/src/formula-weights.mjs';
import { readNpy, writeNpy } from '../test-utils/src/npy.mjs';

const args = parseArgs();
const small = args.small === true;
const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const fixture = (...p) => join(fixtures, ...p);
/** [width, height] of the speed runs, and timed runs after the warm-ups. */
const SPEED = small ? { forward: [128, 96], train: [96, 64], runs: 2 } : { forward: [1024, 768], train: [1024, 768], runs: 5 };
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const firstLine = (error) => String(error?.message ?? error).split('\n')[0];
const sizeText = ([w, h]) => `${w}×${h}`;

if (args.part === 'ort') {
  await ortPart();
  process.exit(0);
}

const outDir = String(args.out ?? process.env.OUT ?? join(os.tmpdir(), 'crowd-gpu-check'));
mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(join(os.tmpdir(), 'crowd-gpu-check-'));
const rows = [];
const details = { started: new Date().toISOString(), small, speed: SPEED };
/** Min ms of each speed row, by `forward|train` and engine, for the ratios row. */
const speeds = { forward: {}, train: {} };

/** Adds a table row (check, status, result) and rewrites the report files. */
function row(check, status, result, data) {
  rows.push({ check, status, result });
  if (data !== undefined) details[check] = data;
  console.log(`[gpu-check] ${check}: ${status}: ${result}`);
  writeFileSync(join(outDir, 'gpu-check.md'), table());
  writeFileSync(join(outDir, 'gpu-check.json'), `${JSON.stringify({ ...details, rows }, null, 1)}\n`);
}

function table() {
  const cell = (s) => String(s).replaceAll('|', '\\|').replaceAll('\n', ' ');
  return [
    `# crowd GPU check${small ? ' (--small: dry-run sizes)' : ''}`,
    '',
    `${details.host ?? ''}`,
    '',
    '| check | status | result |',
    '| --- | --- | --- |',
    ...rows.map((r) => `| ${cell(r.check)} | ${cell(r.status)} | ${cell(r.result)} |`),
    '',
  ].join('\n');
}

/** Runs one check; an exception becomes a FAIL row instead of ending the run. */
async function check(name, fn) {
  try {
    await fn();
  } catch (error) {
    row(name, 'FAIL', firstLine(error));
    if (process.env.CROWD_GPU_CHECK_DEBUG) console.error(error);
  }
}

function nvidiaSmi() {
  try {
    return execFileSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8', timeout: 20_000 }).trim();
  } catch {
    return 'no nvidia-smi';
  }
}

/** `min … ms, median … ms (… runs; first run …), … GFLOP/s` (a function declaration: the onnxruntime part runs before the module's constants). */
function speedLine(r, gflop, first) {
  return `min ${r.min_ms.toFixed(1)} ms, median ${r.median_ms.toFixed(1)} ms (${r.runs_ms.length} runs; first run, compiling, ${first.toFixed(0)} ms), ${(gflop / (r.min_ms / 1000)).toFixed(1)} GFLOP/s`;
}

/** Times `fn`'s first run alone (it compiles the kernels), then `timeRuns` after one more warm-up. */
async function timeWithFirst(fn, runs) {
  const t0 = performance.now();
  await fn();
  const first = performance.now() - t0;
  return { first, ...(await timeRuns(fn, { runs, warmup: 1 })) };
}

const nhwcFromNchw = (data, shape) => tf.tidy(() => tf.transpose(tf.tensor4d(data, shape), [0, 2, 3, 1]));

/** max over tensors of max|a − b| / max|b|. */
function worstRelative(a, b) {
  let worst = 0;
  for (const [name, t] of b) {
    const { diff, scale } = maxDiff(a.get(name).data, t.data);
    worst = Math.max(worst, diff / scale);
  }
  return worst;
}

/** Reads a `.bin` laid out as the ÷8 fixture's weights.bin (weights, gradients, weights after 3 steps). */
function smallFixtureWeights() {
  const manifest = JSON.parse(readFileSync(fixture('csrnet', 'weights.json'), 'utf8'));
  return (file) => readNeutralWeights(manifest, new Uint8Array(readFileSync(fixture('csrnet', ...file))), { source: file.join('/') });
}

// ---------------------------------------------------------------------------------------------

details.host = `${os.hostname()}: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; GPU ${nvidiaSmi()}; VK_DRIVER_FILES=${process.env.VK_DRIVER_FILES ?? '(unset)'}`;
console.log(`[gpu-check] ${details.host}`);

const smallBin = smallFixtureWeights();
const fullConfig = resolveCsrnetConfig({});
let device;
let fullModel;
let speedInput;

await check('webgpu adapter', async () => {
  await selectBackend('webgpu');
  device = webgpuDeviceInfo();
  const l = device.limits;
  const status = device.software ? (small ? 'ok (software)' : 'WARN: software adapter, not the GPU') : 'ok';
  row(
    'webgpu adapter',
    status,
    `${describeAdapter(device.adapter)}; maxStorageBufferBindingSize ${l.maxStorageBufferBindingSize} (${mib(l.maxStorageBufferBindingSize)}), maxBufferSize ${mib(l.maxBufferSize)}, ` +
      `workgroup storage ${l.maxComputeWorkgroupStorageSize} B, ${l.maxComputeInvocationsPerWorkgroup} invocations/workgroup, ${l.maxStorageBuffersPerShaderStage} storage buffers/stage; ` +
      `largest square full-width input: forward ${largestSquareTile(fullConfig, l)} px, training ${largestSquareTile(fullConfig, l, { training: true })} px`,
    device,
  );
  console.log(`[gpu-check] limits ${JSON.stringify(device.limits)}`);
});

if (device !== undefined) {
  await check('forward parity ÷8 (tfjs-webgpu)', async () => {
    const input = readNpy(fixture('csrnet', 'input.npy'));
    const expected = readNpy(fixture('csrnet', 'output.npy')).data;
    const model = createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights: smallBin(['weights.bin']), source: 'csrnet/weights.bin' });
    const x = nhwcFromNchw(input.data, input.shape);
    const y = model.predict(x);
    const { diff, scale } = maxDiff(await y.data(), expected);
    tf.dispose([x, y]);
    model.dispose();
    row('forward parity ÷8 (tfjs-webgpu)', diff < 1e-4 * scale ? 'pass' : 'FAIL', `max |diff| ${diff.toExponential(2)} vs PyTorch output.npy (tolerance 1e-4 × max |output| ${scale.toFixed(3)}), 64×96`);
  });

  await check('forward parity full width (tfjs-webgpu)', async () => {
    const input = readNpy(fixture('csrnet-full-formula', 'input.npy'));
    const expected = readNpy(fixture('csrnet-full-formula', 'output.npy')).data;
    fullModel = createCsrnet({}, { kind: 'weights', weights: formulaWeights(), source: 'formula weights' });
    const x = nhwcFromNchw(input.data, input.shape);
    const y = fullModel.predict(x);
    const { diff, scale } = maxDiff(await y.data(), expected);
    tf.dispose([x, y]);
    row('forward parity full width (tfjs-webgpu)', diff < 1e-4 * scale ? 'pass' : 'FAIL', `max |diff| ${diff.toExponential(2)} vs PyTorch output.npy (tolerance 1e-4 × ${scale.toFixed(3)}), 64×96, 16.3 M parameters`);
  });

  await check('training-step parity ÷8 (tfjs-webgpu)', async () => {
    const info = JSON.parse(readFileSync(fixture('csrnet', 'train_step', 'train_step.json'), 'utf8'));
    const input = readNpy(fixture('csrnet', 'input.npy'));
    const target = readNpy(fixture('csrnet', 'train_step', 'target.npy'));
    const x = nhwcFromNchw(input.data, input.shape);
    const t = nhwcFromNchw(target.data, target.shape);
    const model = createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights: smallBin(['weights.bin']), source: 'csrnet/weights.bin' });
    const { loss, grads } = lossAndGradients(model, x, t);
    const gradData = new Map();
    for (const [name, g] of grads) gradData.set(name, model.exportTensor(name, await g.data()));
    tf.dispose([loss, ...grads.values()]);
    const gradError = worstRelative(gradData, smallBin(['train_step', 'grads.bin']));
    const sgd = new SGD(model, { lr: info.sgd.lr, momentum: info.sgd.momentum, weightDecay: info.sgd.weight_decay });
    const losses = [];
    for (let i = 0; i < 3; i++) losses.push(await trainStep(model, sgd, x, t));
    const lossError = Math.max(...losses.map((l, i) => Math.abs(l - info.losses_before_each_step[i]) / info.losses_before_each_step[i]));
    const weightError = worstRelative(await readStateDict(model), smallBin(['train_step', 'weights_after_3_steps.bin']));
    sgd.dispose();
    model.dispose();
    tf.dispose([x, t]);
    const pass = gradError < 1e-3 && lossError < 1e-4 && weightError < 1e-4;
    row(
      'training-step parity ÷8 (tfjs-webgpu)',
      pass ? 'pass' : 'FAIL',
      `gradients: worst max|diff|/max|grad| ${gradError.toExponential(2)} (tol 1e-3); 3 SGD steps: losses ${losses.map((l) => l.toFixed(4)).join(', ')} ` +
        `(PyTorch ${info.losses_before_each_step.map((l) => l.toFixed(4)).join(', ')}; worst rel ${lossError.toExponential(1)}, tol 1e-4); weights after: worst rel ${weightError.toExponential(2)} (tol 1e-4)`,
    );
  });

  if (fullModel !== undefined) {
    const [w, h] = SPEED.forward;
    await check(`forward ${sizeText(SPEED.forward)} (tfjs-webgpu)`, async () => {
      const name = `forward ${sizeText(SPEED.forward)} (tfjs-webgpu)`;
      const largest = largestDeviceBuffer(fullConfig, h, w);
      checkDeviceLimits(fullConfig, h, w, device.limits, {}, name);
      // A seeded input, written for PyTorch and onnxruntime to run the same one.
      const x = tf.randomNormal([1, h, w, 3], 0, 1, 'float32', 7);
      const nchw = tf.transpose(x, [0, 3, 1, 2]);
      speedInput = { path: join(work, `input-${w}x${h}.npy`), shape: [1, 3, h, w] };
      writeNpy(speedInput.path, speedInput.shape, await nchw.data());
      nchw.dispose();
      let out;
      const r = await timeWithFirst(async () => {
        const y = fullModel.predict(x);
        out = await y.data();
        y.dispose();
      }, SPEED.runs);
      x.dispose();
      speedInput.webgpu = out;
      speeds.forward['tfjs-webgpu'] = r.min_ms;
      const gflop = csrnetFlops(fullConfig, h, w) / 1e9;
      row(name, 'ok', `${speedLine(r, gflop, r.first)}; largest buffer ${mib(largest.bytes)} ('${largest.name}')`, r);
    });

    const [tw, th] = SPEED.train;
    await check(`training step ${sizeText(SPEED.train)} (tfjs-webgpu)`, async () => {
      const name = `training step ${sizeText(SPEED.train)} (tfjs-webgpu)`;
      const largest = largestDeviceBuffer(fullConfig, th, tw, { training: true });
      checkDeviceLimits(fullConfig, th, tw, device.limits, { training: true }, name);
      const x = tf.randomNormal([1, th, tw, 3], 0, 1, 'float32', 8);
      const t = tf.randomUniform([1, th / 8, tw / 8, 1], 0, 0.01, 'float32', 9);
      const sgd = new SGD(fullModel, { lr: 1e-7, momentum: 0.95, weightDecay: 5e-4 });
      const losses = [];
      const r = await timeWithFirst(async () => losses.push(await trainStep(fullModel, sgd, x, t)), SPEED.runs);
      sgd.dispose();
      tf.dispose([x, t]);
      if (!losses.every(Number.isFinite)) throw new Error(`non-finite loss: ${losses.join(', ')}`);
      speeds.train['tfjs-webgpu'] = r.min_ms;
      const gflop = (3 * csrnetFlops(fullConfig, th, tw)) / 1e9;
      row(name, 'ok', `${speedLine(r, gflop, r.first)} (a step counted as 3 forwards); largest buffer ${mib(largest.bytes)}; losses ${losses[0].toFixed(1)} → ${losses.at(-1).toFixed(1)}`, r);
    });
  }
  fullModel?.dispose();
}

// PyTorch on the same machine: the image's python3 with torch (CUDA when it sees the GPU).
await check('PyTorch', async () => {
  const python = String(args.python ?? process.env.CROWD_TORCH_PYTHON ?? findTorchPython());
  const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__, torch.cuda.is_available())'], { encoding: 'utf8', timeout: 120_000 });
  if (probe.status !== 0) return row('PyTorch', 'missing', `${python} has no torch`);
  const [version, cuda] = probe.stdout.trim().split(' ');
  const deviceName = cuda === 'True' ? 'cuda' : 'cpu';
  if (deviceName === 'cpu' && !small) return row('PyTorch', 'missing', `torch ${version} sees no CUDA GPU`);
  const threads = String(os.availableParallelism());
  const { manifestPath } = writeFormulaWeights(work);
  if (speedInput !== undefined) {
    const output = join(work, 'torch-output.npy');
    const [r] = await runTorch(['forward', '--weights', manifestPath, '--input', speedInput.path, '--output', output, '--device', deviceName, '--threads', threads, '--runs', String(SPEED.runs)], { python });
    const { diff, scale } = maxDiff(readNpy(output).data, speedInput.webgpu);
    const [w, h] = SPEED.forward;
    const gflop = csrnetFlops(fullConfig, h, w) / 1e9;
    speeds.forward[`PyTorch ${r.device}`] = r.min_ms;
    row(
      `forward ${sizeText(SPEED.forward)} (PyTorch ${version} ${r.device})`,
      'ok',
      `min ${r.min_ms.toFixed(1)} ms, median ${r.median_ms.toFixed(1)} ms, ${(gflop / (r.min_ms / 1000)).toFixed(0)} GFLOP/s${r.gpu ? ` on ${r.gpu}` : ''}, cuDNN TF32 ${r.cudnn_tf32 ?? 'n/a'}; output vs tfjs-webgpu: max |diff| ${diff.toExponential(1)} (max ${scale.toFixed(2)})`,
      r,
    );
  }
  const [tw, th] = SPEED.train;
  const [r] = await runTorch(['train', '--weights', manifestPath, '--height', String(th), '--width', String(tw), '--device', deviceName, '--threads', threads, '--runs', String(SPEED.runs)], { python });
  const gflop = (3 * csrnetFlops(fullConfig, th, tw)) / 1e9;
  speeds.train[`PyTorch ${r.device}`] = r.min_ms;
  row(`training step ${sizeText(SPEED.train)} (PyTorch ${version} ${r.device})`, 'ok', `min ${r.min_ms.toFixed(1)} ms, median ${r.median_ms.toFixed(1)} ms, ${(gflop / (r.min_ms / 1000)).toFixed(0)} GFLOP/s`, r);
});

// onnxruntime-node in a child process, so that a crash in a native provider keeps the rows above.
await check('onnxruntime-node', async () => {
  const limit = Number(args['ort-limit'] ?? (small ? 900 : 150));
  const argv = [fileURLToPath(import.meta.url), '--part=ort', ...(small ? ['--small'] : []), ...(speedInput ? [`--input=${speedInput.path}`] : [])];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), limit * 1000);
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (!line.startsWith('ROW ')) {
        console.log(line);
        continue;
      }
      const r = JSON.parse(line.slice(4));
      if (r.output !== undefined && speedInput?.webgpu !== undefined) {
        const { diff, scale } = maxDiff(r.output, speedInput.webgpu);
        r.result += `; output vs tfjs-webgpu: max |diff| ${diff.toExponential(1)} (max ${scale.toFixed(2)})`;
      }
      if (r.engine !== undefined) speeds.forward[r.engine] = r.data.min_ms;
      row(r.check, r.status, r.result, r.data);
    }
  });
  const code = await new Promise((resolve) => child.on('close', (c, signal) => resolve(signal ?? c)));
  clearTimeout(timer);
  if (code !== 0) row('onnxruntime-node', 'FAIL', code === 'SIGKILL' ? `stopped after ${limit} s (--ort-limit)` : `the child process ended with ${code}`);
});

function findTorchPython() {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    if (spawnSync(candidate, ['-c', 'import torch'], { timeout: 120_000 }).status === 0) return candidate;
  }
  return 'python3';
}

// Each engine's min ms as a multiple of PyTorch's on the same machine (CUDA on the GPU machine).
const ratios = ['forward', 'train'].flatMap((kind) => {
  const entries = Object.entries(speeds[kind]);
  const base = entries.find(([engine]) => engine.startsWith('PyTorch'));
  if (base === undefined || entries.length < 2) return [];
  const others = entries.filter(([engine]) => engine !== base[0]).map(([engine, ms]) => `${engine} ×${(ms / base[1]).toFixed(2)}`);
  return [`${kind === 'forward' ? `forward ${sizeText(SPEED.forward)}` : `training step ${sizeText(SPEED.train)}`}: ${others.join(', ')} of ${base[0]} (${base[1].toFixed(1)} ms)`];
});
if (ratios.length > 0) row('speed ratios (min ms / PyTorch; < 1 is faster)', 'ok', ratios.join('; '), speeds);

rmSync(work, { recursive: true, force: true });
details.finished = new Date().toISOString();
const failed = rows.filter((r) => r.status === 'FAIL').length;
row('done', failed === 0 ? 'ok' : 'FAIL', `${failed} check${failed === 1 ? '' : 's'} failed; report in ${join(outDir, 'gpu-check.md')}`);
console.log(`\n${table()}`);
// Dawn's device keeps the event loop alive.
process.exit(failed === 0 ? 0 : 1);

// ---------------------------------------------------------------------------------------------

/** onnxruntime-node's providers, one `ROW {json}` line per result on stdout. */
async function ortPart() {
  const emit = (check, status, result, extra = {}) => console.log(`ROW ${JSON.stringify({ check, status, result, ...extra })}`);
  let ort;
  try {
    ort = await import('onnxruntime-node');
  } catch (error) {
    return emit('onnxruntime-node', 'missing', firstLine(error));
  }
  const config = resolveCsrnetConfig({});
  const onnx = csrnetToOnnx(config, formulaWeights());
  const parityInput = readNpy(fixture('csrnet-full-formula', 'input.npy'));
  const parityOutput = readNpy(fixture('csrnet-full-formula', 'output.npy')).data;
  const speed = args.input === undefined ? undefined : readNpy(String(args.input));
  const threads = os.availableParallelism();
  const why = {
    cuda: 'libonnxruntime_providers_cuda.so is not in the npm package: its install script downloads it (CUDA 12), impossible without a network',
    tensorrt: 'libonnxruntime_providers_tensorrt.so is not in the npm package (a download, as for cuda)',
  };
  for (const provider of ['webgpu', 'cuda', 'tensorrt', 'cpu']) {
    const label = `onnxruntime-node ${ort.env.versions?.node ?? ''} ${provider}${provider === 'cpu' ? ` (${threads} threads)` : ''}`;
    let session;
    const t0 = performance.now();
    try {
      // The options createOnnxEngine (crowd count) uses.
      session = await ort.InferenceSession.create(onnx, { executionProviders: [provider], graphOptimizationLevel: 'all', intraOpNumThreads: threads });
    } catch (error) {
      emit(label, provider === 'cpu' ? 'FAIL' : 'missing', `${firstLine(error)}${why[provider] ? ` (${why[provider]})` : ''}`);
      continue;
    }
    const created = performance.now() - t0;
    try {
      const run = async (data, shape) => (await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, shape) }))[session.outputNames[0]].data;
      const { diff, scale } = maxDiff(await run(parityInput.data, parityInput.shape), parityOutput);
      emit(`${label}: parity`, diff < 1e-4 * scale ? 'pass' : 'FAIL', `session ${created.toFixed(0)} ms; max |diff| ${diff.toExponential(2)} vs PyTorch output.npy (tol 1e-4 × ${scale.toFixed(3)}), 64×96 full width`);
      if (speed !== undefined) {
        const [, , h, w] = speed.shape;
        let output;
        const r = await timeWithFirst(async () => (output = await run(speed.data, speed.shape)), SPEED.runs);
        const gflop = csrnetFlops(config, h, w) / 1e9;
        emit(`forward ${w}×${h} (${label})`, 'ok', speedLine(r, gflop, r.first), { data: r, output: Array.from(output), engine: `onnxruntime ${provider}` });
      }
    } catch (error) {
      emit(label, 'FAIL', firstLine(error));
    } finally {
      await session.release();
    }
  }
}
