import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, runIsolated, strideZeroCheckpoint, unclosedMarks, withZeroBombs, type IsolatedRun } from '@crowd/test-utils';
import { describe, expect, test } from 'vitest';
import { readTorchCheckpoint } from '../src/torch/checkpoint.ts';
import { errorOf } from './csrnet-error.ts';

/**
 * The hostile files of issue 10, made here from a few bytes of description,
 * each read in a fresh process whose peak memory the kernel measures: every
 * one must answer (the preset's 60 s) with a clear message, or load, within
 * 1 GiB. Before the resource limits, the stride-0 file took 6.7 GB and ten
 * minutes and the unused zip entry 2.2 GB.
 */

const GiB = 2 ** 30;
const dir = mkdtempSync(join(tmpdir(), 'csrnet-hostile-'));
const PROBE = new URL('./checkpoint-probe.ts', import.meta.url);
const ZIP_FIXTURE = new Uint8Array(readFileSync(fixture('csrnet', 'zip', 'model_best.pth.tar')));

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function readIsolated(path: string): Promise<IsolatedRun> {
  const run = await runIsolated(PROBE, 'readCheckpointFile', [path], 60_000);
  expect(run.peakRssBytes, `peak RSS ${(run.peakRssBytes / 2 ** 20).toFixed(0)} MiB`).toBeLessThan(GiB);
  return run;
}

describe('hostile checkpoints answer within 1 GiB with a clear message', () => {
  test.each(['legacy', 'zip'] as const)('%s: 100 stride-0 views of 4096×4096 over one stored element → LIMIT_EXCEEDED before any allocation', async (format) => {
    const bytes = strideZeroCheckpoint(format);
    expect(bytes.length).toBeLessThan(2000);
    const path = write(`stride0.${format}.pth.tar`, bytes);
    const run = await readIsolated(path);
    expect(run.error).toMatchObject({ name: 'CsrnetLimitError', code: 'LIMIT_EXCEEDED', option: 'maxExtraElements', limit: 16_263_489, needed: 16_777_215 });
    expect(run.error?.message).toBe(
      `${path}: the tensors up to t0 need 16,777,216 float32 values, 16,777,215 more than the 1 elements the file stores; ` +
        't0 [4096, 4096] with strides [0, 0] alone reads its 1-element storage 16,777,216 times over, ' +
        'over the limit limits.maxExtraElements = 16,263,489. No genuine CSRNet or VGG-16 file does this: the file is damaged or was made to exhaust memory. ' +
        "If you trust it, load it in Python and re-save only the weights (torch.save(model.state_dict(), 'weights.pth')), or raise the limit.",
    );
  });

  test('a zip checkpoint holding two unused 2 GiB entries loads, inflating neither', async () => {
    const bytes = withZeroBombs(ZIP_FIXTURE, { 'model_best.pth/extra/a': 2 * GiB, 'model_best.pth/extra/b': 2 * GiB });
    expect(bytes.length).toBeLessThan(7 * 2 ** 20);
    const run = await readIsolated(write('unused-entries.pth.tar', bytes));
    expect(run.error).toBeUndefined();
    expect(run.value).toEqual({ format: 'zip', tensors: 34, values: 254_825 });
  });

  test('a storage entry declaring 2 GiB in a 4 MB file → LIMIT_EXCEEDED before inflating it', async () => {
    const path = write('storage-bomb.pth.tar', withZeroBombs(ZIP_FIXTURE, { 'model_best.pth/data/0': 2 * GiB }));
    const run = await readIsolated(path);
    expect(run.error?.code).toBe('LIMIT_EXCEEDED');
    expect(run.error?.message).toMatch(
      new RegExp(
        `^${path}: the entries read would inflate to 2,147,483,648 bytes \\(model_best\\.pth/data/0 declares 2,147,483,648\\), ` +
          'more than 16 × this 4,\\d{3},\\d{3}-byte file \\(6\\d,\\d{3},\\d{3} bytes; torch\\.save does not compress at all\\), over the limit limits\\.maxInflationRatio = 16\\. No genuine',
      ),
    );
  });

  test('a pickle with ten million unclosed MARKs → LIMIT_EXCEEDED at the 1,001st, naming the limit', async () => {
    const path = write('marks.pth.tar', unclosedMarks(10_000_000));
    const run = await readIsolated(path);
    expect(run.error?.code).toBe('LIMIT_EXCEEDED');
    expect(run.error?.message).toMatch(new RegExp(`^${path}: the pickle that starts at byte 25 has more than 1,000 MARKs open by byte 1027, over the limit limits\\.maxPickleMarks = 1,000\\.`));
  });
});

describe("the element budget is a total over every tensor, with the file's stored elements free", () => {
  // Two 10×10 stride-0 views of one stored element: 200 values, 199 of them extra.
  const bytes = strideZeroCheckpoint('legacy', 2, [10, 10]);

  test('within the budget the views are gathered exactly', () => {
    const checkpoint = readTorchCheckpoint(bytes, 'views.pth', { maxExtraElements: 199 });
    expect([...checkpoint.stateDict.keys()]).toEqual(['t0', 't1']);
    expect(checkpoint.stateDict.get('t1')).toEqual({ shape: [10, 10], data: new Float32Array(100) });
  });

  test('one value over it is refused, naming the tensor that crossed it', () => {
    const error = errorOf(() => readTorchCheckpoint(bytes, 'views.pth', { maxExtraElements: 198 }));
    expect(error).toMatchObject({ code: 'LIMIT_EXCEEDED', option: 'maxExtraElements', limit: 198, needed: 199 });
    expect(error.message).toContain('views.pth: the tensors up to t1 need 200 float32 values, 199 more than the 1 elements the file stores;');
  });

  test('the whole file is bounded by maxFileBytes, and limits are checked', () => {
    expect(errorOf(() => readTorchCheckpoint(ZIP_FIXTURE, 'big.pth', { maxFileBytes: 1000 })).message).toMatch(
      /^big\.pth: the file is 2,060,167 bytes, over the limit limits\.maxFileBytes = 1,000\. The largest genuine file these tools read is torchvision's VGG-16/,
    );
    expect(errorOf(() => readTorchCheckpoint(ZIP_FIXTURE, 'x.pth', { maxExtraElements: -1 })).message).toBe('limits.maxExtraElements: expected a positive number, got -1');
    expect(errorOf(() => readTorchCheckpoint(ZIP_FIXTURE, 'x.pth', { maxElements: 5 } as object)).code).toBe('CONFIG_INVALID');
  });
});
