// Training on tfjs-webgpu (Dawn, on the software Vulkan driver lavapipe that tools/ci/install-lavapipe.sh
// installs): the same steps as on wasm, and a checkpoint that saves and resumes — on a GPU host `auto`
// picks webgpu, and WebGPU in Node has no synchronous reads, so every state read must be asynchronous.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStateDict } from '@crowd/csrnet';
import { selectBackend } from '@crowd/csrnet/node';
import type { Sample } from '@crowd/datasets/node';
import { requireLavapipe } from '@crowd/test-utils';
import { beforeAll, expect, test } from 'vitest';
import { FIXTURE_CHECKPOINT } from '../../test/fixtures.js';
import { preparedMini } from '../../test/mini-dataset.js';
import type { StepRecord } from '../records.js';
import { readLog } from './jsonl-log.js';
import { trainOnDisk } from './train-on-disk.js';

// The Vulkan loader reads these when Dawn creates its instance, at the first selectBackend('webgpu').
Object.assign(process.env, requireLavapipe());

let mini: { train: Sample[]; test: Sample[] };
beforeAll(async () => {
  mini = await preparedMini();
});

// lavapipe is ~10× slower than wasm: 64×64 crops, SGD as in the reference, one validation image.
const config = { epochs: 1, crop: { height: 64, width: 64 }, mirror: false, lr: 1e-4, seed: 3, checkpointEvery: 1 };
const model = { init: FIXTURE_CHECKPOINT };

async function run(backend: 'wasm' | 'webgpu', out: string, maxSteps: number, resume = false) {
  expect((await selectBackend(backend)).name).toBe(backend);
  const result = await trainOnDisk({ train: mini.train, val: mini.test.slice(0, 1), out, config: { ...config, maxSteps }, model: resume ? {} : model, resume, workers: 1 });
  const weights = await readStateDict(result.model);
  result.model.dispose();
  const steps = readLog(join(out, 'log.jsonl')).filter((r): r is StepRecord => r.type === 'step');
  return { weights, losses: steps.map((s) => s.loss) };
}

test('webgpu trains the steps wasm does, checkpoints them and resumes from its own checkpoint', async () => {
  const onWasm = await run('wasm', mkdtempSync(join(tmpdir(), 'crowd-webgpu-wasm-')), 4);
  const out = mkdtempSync(join(tmpdir(), 'crowd-webgpu-'));
  await run('webgpu', out, 2);
  // The checkpoint holds SGD's momentum buffers, read back from the GPU.
  expect(readFileSync(join(out, 'checkpoint', 'optimizer.bin')).length).toBeGreaterThan(0);
  const onWebgpu = await run('webgpu', out, 4, true);
  expect(onWebgpu.losses).toHaveLength(4);
  onWebgpu.losses.forEach((loss, i) => expect(Math.abs(loss - onWasm.losses[i])).toBeLessThanOrEqual(1e-4 * Math.abs(onWasm.losses[i])));
  let worst = 0;
  for (const [name, t] of onWasm.weights) {
    const other = onWebgpu.weights.get(name)!.data;
    const scale = Math.max(...Array.from(t.data, Math.abs));
    for (let i = 0; i < t.data.length; i++) worst = Math.max(worst, Math.abs(other[i] - t.data[i]) / scale);
  }
  expect(worst).toBeLessThan(1e-4);
}, 600_000);
