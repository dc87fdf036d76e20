import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNeutralWeights, stateDict } from '@crowd/csrnet';
import { loadCsrnetFile, selectBackend } from '@crowd/csrnet/node';
import { writeDensityH5 } from '@crowd/datasets/node';
import { fixture, readNpy } from '@crowd/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { CLI, copyMiniShanghaiTech, crowd } from '../../test/cli.ts';
import { prepareDataset } from '../prepare/prepare-dataset.js';

const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `crowd-train-${name}-`));

/** Records of a log.jsonl (or --json stdout) without their timings, which differ between runs. */
function records(text: string): object[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{"type":"step"') || line.startsWith('{"type":"epoch"'))
    .map((line) => {
      const { imagesPerSecond: _ips, seconds: _s, ...rest } = JSON.parse(line);
      return rest;
    });
}

let partB: string;
beforeAll(async () => {
  await selectBackend('wasm');
  const root = copyMiniShanghaiTech();
  await prepareDataset(root, { jobs: 1 });
  partB = join(root, 'part_B');
});

/** Runs `crowd ...args` (with `--json`) and sends it `signal` once it has printed `steps` step records. */
function killAfter(args: string[], steps: number, signal: NodeJS.Signals): Promise<{ signal: NodeJS.Signals | null; steps: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, FORCE_COLOR: '0' } });
    let buffered = '';
    let seen = 0;
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      seen = buffered.split('\n').filter((l) => l.startsWith('{"type":"step"')).length;
      if (seen >= steps) child.kill(signal);
    });
    child.on('error', reject);
    child.on('close', (_code, got) => resolve({ signal: got, steps: seen }));
  });
}

/** The state.json a killed run left (between the two renames of a save, only checkpoint.old holds it). */
const stateAtKill = (out: string) => JSON.parse(readFileSync(['checkpoint', 'checkpoint.old'].map((dir) => join(out, dir, 'state.json')).find((file) => existsSync(file))!, 'utf8'));

describe('crowd train', () => {
  test('killed with SIGKILL mid-epoch and resumed, it ends with the same weights, best model and log as an uninterrupted run', async () => {
    // Paper preset (nine shuffled, mirrored patches per image), a ÷16 model, 2 epochs of 27 steps, a checkpoint every step.
    const args = (out: string) => ['train', partB, '--out', out, '--width-divisor', '16', '--epochs', '2', '--optimizer', 'adam', '--lr', '1e-3', '--seed', '3', '--checkpoint-every', '1', '--backend', 'wasm', '--json'];
    const whole = join(tempDir('whole'), 'out');
    const killed = join(tempDir('killed'), 'out');

    const [uninterrupted, kill] = await Promise.all([crowd(args(whole)), killAfter(args(killed), 10, 'SIGKILL')]);
    expect(uninterrupted.code).toBe(0);
    expect(kill.signal).toBe('SIGKILL');
    // Killed between the two renames of a checkpoint save, only checkpoint.old holds it; the resumed run recovers that.
    const atKill = stateAtKill(killed);
    expect(atKill.step).toBeGreaterThanOrEqual(9);
    expect(atKill.step).toBeLessThan(54);

    const resumed = await crowd([...args(killed), '--resume']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const start = JSON.parse(resumed.stdout.split('\n')[0]);
    expect(start).toMatchObject({ type: 'start', resumed: true, model: { widthDivisor: 16 } });
    expect(start.step).toBeGreaterThanOrEqual(atKill.step);
    const done = JSON.parse(resumed.stdout.trim().split('\n').at(-1)!);
    expect(done).toMatchObject({ type: 'done', stopped: 'completed', epoch: 2, step: 54 });

    for (const file of ['checkpoint/weights.bin', 'checkpoint/optimizer.bin', 'best/weights.bin']) {
      expect(readFileSync(join(killed, file)).equals(readFileSync(join(whole, file))), file).toBe(true);
    }
    const wholeLog = records(readFileSync(join(whole, 'log.jsonl'), 'utf8'));
    expect(wholeLog).toHaveLength(54 + 2);
    expect(records(readFileSync(join(killed, 'log.jsonl'), 'utf8'))).toEqual(wholeLog);
    expect(records(uninterrupted.stdout)).toEqual(wholeLog);
    expect(existsSync(join(killed, 'curve.png'))).toBe(true);
  });

  test('batches split over 2 workers, killed with SIGKILL and resumed on 3: the same weights, optimiser state and log as an uninterrupted run', async () => {
    // Paper preset, batch 2 (27 patches of 400×300 and 320×240 images in 14 steps): examples of one and of different sizes in a step.
    const args = (out: string, workers: number) => [
      'train', partB, '--out', out, '--width-divisor', '16', '--epochs', '1', '--batch', '2', '--optimizer', 'adam', '--lr', '1e-3', '--seed', '4',
      '--checkpoint-every', '1', '--backend', 'wasm', '--workers', String(workers), '--json',
    ];
    const whole = join(tempDir('whole-workers'), 'out');
    const killed = join(tempDir('killed-workers'), 'out');
    const [uninterrupted, kill] = await Promise.all([crowd(args(whole, 2)), killAfter(args(killed, 2), 5, 'SIGKILL')]);
    expect(uninterrupted.code).toBe(0);
    expect(JSON.parse(uninterrupted.stdout.split('\n')[0])).toMatchObject({ type: 'start', workers: 2, config: { batch: 2 } });
    expect(kill.signal).toBe('SIGKILL');
    const atKill = stateAtKill(killed);
    expect(atKill.step).toBeGreaterThanOrEqual(4);
    expect(atKill.step).toBeLessThan(14);
    expect(atKill.config.batch).toBe(2);

    const resumed = await crowd([...args(killed, 3), '--resume']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout.split('\n')[0])).toMatchObject({ type: 'start', resumed: true, workers: 3 });
    for (const file of ['checkpoint/weights.bin', 'checkpoint/optimizer.bin', 'best/weights.bin']) {
      expect(readFileSync(join(killed, file)).equals(readFileSync(join(whole, file))), file).toBe(true);
    }
    const wholeLog = records(readFileSync(join(whole, 'log.jsonl'), 'utf8'));
    expect(wholeLog).toHaveLength(14 + 1);
    expect(records(readFileSync(join(killed, 'log.jsonl'), 'utf8'))).toEqual(wholeLog);
  }, 240_000);

  test('SIGTERM and SIGINT stop a run on workers at once, keeping its last checkpoint', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const out = join(tempDir(signal), 'out');
      const args = ['train', partB, '--out', out, '--width-divisor', '16', '--batch', '2', '--checkpoint-every', '1', '--backend', 'wasm', '--workers', '2', '--json'];
      const stop = await killAfter(args, 2, signal);
      expect(stop.signal).toBe(signal);
      expect(stateAtKill(out).step).toBeGreaterThanOrEqual(1);
    }
  });

  test('3 SGD steps from the fixture checkpoint reproduce the reference\'s weights and losses (--no-shuffle --no-augment --max-steps 3)', async () => {
    // A one-image dataset (NWPU-Crowd layout) holding the fixture's 96×64 PNG and a density whose 8×8 sum pool is target.npy:
    // each target value sits in one pixel of its 8×8 block.
    const root = tempDir('parity');
    mkdirSync(join(root, 'images'));
    mkdirSync(join(root, 'jsons'));
    copyFileSync(fixture('csrnet', 'input_image.png'), join(root, 'images', '0001.png'));
    const target = readNpy(fixture('csrnet', 'train_step', 'target.npy'));
    expect(target.shape).toEqual([1, 1, 8, 12]);
    const density = new Float32Array(64 * 96);
    for (let i = 0; i < 8; i++) for (let j = 0; j < 12; j++) density[8 * i * 96 + 8 * j] = target.data[i * 12 + j];
    await writeDensityH5(join(root, 'jsons', '0001.h5'), { height: 64, width: 96, data: density });
    writeFileSync(join(root, 'jsons', '0001.json'), JSON.stringify({ human_num: 2, points: [[20.5, 10.5], [70, 40]] }));

    const out = join(root, 'out');
    const run = await crowd([
      'train', root, '--val', root, '--init', fixture('csrnet', 'zip', 'model_best.pth.tar'),
      '--lr', '1e-4', '--momentum', '0.95', '--weight-decay', '5e-4', '--no-shuffle', '--no-augment', '--max-steps', '3', '--repeat', '1',
      '--backend', 'wasm', '--workers', '2', '--out', out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('starting: 1 training images, 1 validation (--val), CSRNet B ÷8 on wasm, 2 workers (batch 1 keeps one busy per step; validation uses all)');
    expect(lines[1]).toBe(
      'preset paper, sgd lr 1e-4 momentum 0.95 weight decay 0.0005, full images, not mirrored, not shuffled, list ×1, sum-pool targets, validated against annotated heads, 400 epochs, at most 3 steps',
    );
    expect(lines[2]).toMatch(/^epoch 1\/400 {2}loss 55\.12 {2}val MAE [\d.]+ {2}MSE [\d.]+ {2}best$/);
    expect(lines.slice(-5)).toEqual([
      'stopped at --max-steps 3 (epoch 3, step 3)',
      `checkpoint  ${join(out, 'checkpoint')}  (epoch 3, step 3; --resume continues it)`,
      expect.stringMatching(new RegExp(`^best model  ${join(out, 'best')}  \\(val MAE [\\d.]+ @ epoch \\d\\)$`)),
      `log         ${join(out, 'log.jsonl')}`,
      `curve       ${join(out, 'curve.png')}`,
    ]);

    const reference = JSON.parse(readFileSync(fixture('csrnet', 'train_step', 'train_step.json'), 'utf8'));
    const losses = readFileSync(join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.type === 'step').map((r) => r.loss);
    expect(losses).toHaveLength(3);
    losses.forEach((loss: number, i: number) => expect(Math.abs(loss - reference.losses_before_each_step[i]) / reference.losses_before_each_step[i]).toBeLessThan(1e-4));

    const manifest = readFileSync(fixture('csrnet', 'weights.json'), 'utf8');
    const expected = readNeutralWeights(manifest, new Uint8Array(readFileSync(fixture('csrnet', 'train_step', 'weights_after_3_steps.bin'))));
    const before = readNeutralWeights(manifest, new Uint8Array(readFileSync(fixture('csrnet', 'weights.bin'))));
    const { model } = await loadCsrnetFile(join(out, 'checkpoint'));
    const trained = stateDict(model);
    model.dispose();
    let worst = 0;
    for (const [name, want] of expected) {
      const got = trained.get(name)!.data;
      let diff = 0;
      let scale = 0;
      let moved = 0;
      for (let i = 0; i < want.data.length; i++) {
        diff = Math.max(diff, Math.abs(got[i] - want.data[i]));
        scale = Math.max(scale, Math.abs(want.data[i]));
        moved = Math.max(moved, Math.abs(want.data[i] - before.get(name)!.data[i]));
      }
      expect(diff / scale, name).toBeLessThan(1e-4);
      expect(moved / scale, `${name} moved`).toBeGreaterThan(1e-6);
      worst = Math.max(worst, diff / scale);
    }
    expect(worst).toBeLessThan(1e-4);
  });

  test('a NaN loss exits non-zero naming the step and the image, keeping the last checkpoint', async () => {
    const root = join(tempDir('nan'), 'part_B');
    cpSync(partB, root, { recursive: true });
    const density = new Float32Array(240 * 320);
    density[500] = Number.NaN;
    const poisoned = join(root, 'train_data', 'ground-truth', 'IMG_2.h5');
    await writeDensityH5(poisoned, { height: 240, width: 320, data: density });
    const out = join(root, 'out');
    const run = await crowd(['train', root, '--out', out, '--width-divisor', '16', '--no-shuffle', '--no-augment', '--checkpoint-every', '1', '--backend', 'wasm']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `crowd: step 2 (epoch 1, batch 2/3): the loss is NaN on ${join(root, 'train_data', 'images', 'IMG_2.jpg')}; stopped before updating the weights, the last checkpoint (step 1) is kept\n`,
    );
    expect(JSON.parse(readFileSync(join(out, 'checkpoint', 'state.json'), 'utf8'))).toMatchObject({ step: 1 });
  });

  test('bad input exits non-zero with a clear message: no density maps, no validation split, a bad option', async () => {
    const unprepared = copyMiniShanghaiTech();
    const noDensity = await crowd(['train', join(unprepared, 'part_A'), '--out', join(unprepared, 'out'), '--backend', 'cpu']);
    expect(noDensity.code).toBe(2);
    const first = join(unprepared, 'part_A', 'train_data', 'ground-truth', 'IMG_1.h5');
    expect(noDensity.stderr).toBe(
      `crowd: ${first}: 4 of 4 training images have no density map (expected ${first} and others); run \`crowd prepare ${join(unprepared, 'part_A')}\` first\n`,
    );
    expect(existsSync(join(unprepared, 'out', 'checkpoint'))).toBe(false);

    const noSplit = await crowd(['train', join(partB, 'train_data'), '--out', join(tempDir('nosplit'), 'out'), '--backend', 'cpu']);
    expect(noSplit.code).toBe(2);
    expect(noSplit.stderr).toBe(`crowd: --val: ${join(partB, 'train_data')} has no train and test (or val) splits to validate on; pass --val <dataset root or list>\n`);

    const badCrop = await crowd(['train', partB, '--out', join(tempDir('crop'), 'out'), '--crop', '4x4']);
    expect(badCrop.code).toBe(1);
    expect(badCrop.stderr).toContain('--crop must be full, nine-patch or <H>x<W> with sides ≥ 8 (e.g. 256x256), got "4x4".');
  });
});
