import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readNeutralWeightsFile } from '@crowd/csrnet/node';
import { fixture, poisonTensor, strideZeroCheckpoint, unclosedMarks, withZeroBombs } from '@crowd/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { CLI, crowd, type CliRun } from '../../test/cli.ts';

/**
 * `crowd convert` and `crowd count` on hostile and broken model files
 * (issue 10): each exits 2 with one clear line, never prints a NaN count,
 * never replaces a good converted model with a bad one, and stays within
 * 1 GiB (the CLI process's peak RSS, as the kernel measured it).
 */

const GiB = 2 ** 30;
const dir = mkdtempSync(join(tmpdir(), 'crowd-hostile-'));
const ZIP = fixture('csrnet', 'zip', 'model_best.pth.tar');
const IMAGE = fixture('csrnet', 'input_image.png');
const TAIL = 'The file is corrupt, or the training run that saved it diverged: use an earlier checkpoint or download the file again';
let firstWeights: Float32Array;

function write(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** `crowd ...args` in a child process, with its peak resident memory (written at exit by a preloaded module). */
function crowdMeasured(args: string[]): Promise<CliRun & { peakRssBytes: number }> {
  const report = join(mkdtempSync(join(dir, 'rss-')), 'maxrss');
  const preload = write('report-maxrss.mjs', "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.CROWD_MAXRSS_FILE, String(process.resourceUsage().maxRSS * 1024)));\n");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(preload).href, CLI, ...args], { env: { ...process.env, FORCE_COLOR: '0', CROWD_MAXRSS_FILE: report } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, peakRssBytes: Number(readFileSync(report, 'utf8')) }));
  });
}

const snapshot = (folder: string): Record<string, string> =>
  Object.fromEntries(readdirSync(folder).map((name) => [name, createHash('sha256').update(readFileSync(join(folder, name))).digest('hex')]));

beforeAll(async () => {
  firstWeights = (await readNeutralWeightsFile(fixture('csrnet', 'weights.json'))).get('frontend.0.weight')!.data;
});

describe('NaN weights: an error, never a number, never a written model', () => {
  test('crowd convert refuses a NaN checkpoint and leaves the good model already in <out-dir> as it was', async () => {
    const out = join(dir, 'converted');
    expect((await crowd(['convert', ZIP, out])).code).toBe(0);
    const before = snapshot(out);
    const nan = write('nan.pth.tar', poisonTensor(new Uint8Array(readFileSync(ZIP)), firstWeights, 5));
    const run = await crowd(['convert', nan, out]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`crowd: ${nan}: frontend.0.weight [8,3,3,3] holds NaN at element 5 (index [0, 0, 1, 2]); 1 of its 216 values are NaN or infinite. ${TAIL}\n`);
    expect(snapshot(out)).toEqual(before);
  });

  test('crowd count with NaN weights exits 2 and prints no count: a .pth.tar, and a tfjs model whose checksum matches', async () => {
    const nan = write('nan-count.pth.tar', poisonTensor(new Uint8Array(readFileSync(ZIP)), firstWeights, 0, Infinity));
    const pth = await crowd(['count', IMAGE, '--weights', nan, '--backend', 'cpu', '--json']);
    expect(pth.code).toBe(2);
    expect(pth.stdout).toBe('');
    expect(pth.stderr).toContain(`crowd: ${nan}: frontend.0.weight [8,3,3,3] holds Infinity at element 0 (index [0, 0, 0, 0])`);

    const model = join(dir, 'nan-tfjs');
    expect((await crowd(['convert', ZIP, model])).code).toBe(0);
    const weights = new Uint8Array(readFileSync(join(model, 'weights.bin')));
    new DataView(weights.buffer).setFloat32(4 * 7, Number.NaN, true);
    writeFileSync(join(model, 'weights.bin'), weights);
    const json = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'));
    json.userDefinedMetadata.csrnet.weightsSha256 = createHash('sha256').update(weights).digest('hex');
    writeFileSync(join(model, 'model.json'), JSON.stringify(json));
    const tfjs = await crowd(['count', IMAGE, '--weights', model, '--backend', 'cpu', '--json']);
    expect(tfjs.code).toBe(2);
    expect(tfjs.stdout).toBe('');
    expect(tfjs.stderr).toContain(`crowd: ${join(model, 'model.json')}: frontend.0.weight [3,3,3,8] holds NaN at element 7 (index [0, 0, 0, 7])`);
  });
});

describe('hostile files: one clear line, within 1 GiB', () => {
  test('100 stride-0 views of 4096×4096 in a 1 kB .pth.tar: refused, naming the limit', async () => {
    const path = write('stride0.pth.tar', strideZeroCheckpoint('legacy'));
    const run = await crowdMeasured(['convert', path, join(dir, 'never')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^crowd: ${path}: the tensors up to t0 need 16,777,216 float32 values, .* over the limit limits\\.maxExtraElements = 16,263,489\\. No genuine CSRNet`));
    expect(run.peakRssBytes).toBeLessThan(GiB);
    expect(readdirSync(dir)).not.toContain('never');
  });

  test('a zip checkpoint with two unused 2 GiB entries converts to exactly the plain checkpoint’s model', async () => {
    const path = write('bombs.pth.tar', withZeroBombs(new Uint8Array(readFileSync(ZIP)), { 'model_best.pth/extra/a': 2 * GiB, 'model_best.pth/extra/b': 2 * GiB }));
    const run = await crowdMeasured(['convert', path, join(dir, 'from-bombs'), '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.peakRssBytes).toBeLessThan(GiB);
    expect((await crowd(['convert', ZIP, join(dir, 'from-plain')])).code).toBe(0);
    expect(snapshot(join(dir, 'from-bombs'))).toEqual(snapshot(join(dir, 'from-plain')));
  });

  test('ten million unclosed MARKs: the MARK limit, not a confusing STOP message', async () => {
    const path = write('marks.pth.tar', unclosedMarks(10_000_000));
    const run = await crowdMeasured(['count', IMAGE, '--weights', path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^crowd: ${path}: the pickle that starts at byte 25 has more than 1,000 MARKs open by byte 1027, over the limit limits\\.maxPickleMarks = 1,000\\.`));
    expect(run.peakRssBytes).toBeLessThan(GiB);
  });

  test('a model.json whose shape is a string says so', async () => {
    const model = join(dir, 'string-shape');
    expect((await crowd(['convert', ZIP, model])).code).toBe(0);
    const json = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'));
    json.weightsManifest[0].weights[0].shape = '3,3,3,8';
    writeFileSync(join(model, 'model.json'), JSON.stringify(json));
    const run = await crowd(['convert', model, join(dir, 'never-2')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `crowd: ${join(model, 'model.json')}: weightsManifest[0].weights[0] (frontend.0.weight): "shape" must be a list of dimensions such as [3, 3, 3, 64], found "3,3,3,8"\n`,
    );
  });
});
