import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { FUZZ_DEFAULTS, fuzzOptionsFromEnv, fuzzTarget, formatReport } from '../src/runner.ts';
import { TargetWorker } from '../src/target-worker.ts';

const toy = (name: string): string => fileURLToPath(new URL(`./toy-targets/${name}.ts`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fuzz-runner-'));
const file = (name: string, bytes: number[]): string => {
  const path = join(dir, name);
  writeFileSync(path, Uint8Array.from(bytes));
  return path;
};
const QUICK = { ...FUZZ_DEFAULTS, seconds: 30, inputTimeoutMs: 3000, maxMemoryMb: 256, maxHeapMb: 128 };

describe('fuzzTarget', () => {
  test('a crash found by mutation: reported with the seed, the input index and a file that reproduces it', async () => {
    const first = await fuzzTarget(toy('fixed-length'), QUICK);
    expect(first.seedsOk).toBe(1);
    expect(first.failure).toMatchObject({ kind: 'unexpected', input: expect.stringMatching(/^input \d+$/) });
    expect(first.failure!.detail).toMatch(/^an unexpected TypeError: expected 4 bytes, got \d+/);
    expect(formatReport(first)).toContain(`CROWD_FUZZ_TARGETS=fixed-length CROWD_FUZZ_REPRO=${first.failure!.file} npx vitest run test/fuzz.test.ts`);
    // The same seed finds the same input; the file alone reproduces the failure.
    const again = await fuzzTarget(toy('fixed-length'), QUICK);
    expect(again.failure!.input).toBe(first.failure!.input);
    expect(readFileSync(again.failure!.file)).toEqual(readFileSync(first.failure!.file));
    const repro = await fuzzTarget(toy('fixed-length'), { ...QUICK, reproFile: first.failure!.file });
    expect(repro.failure).toMatchObject({ kind: 'unexpected', input: 'repro' });
  });

  test.each([
    ['a hang', [0x68], {}, 'timeout', 'still running after the 3000 ms time-out'],
    ['typed arrays filling memory', [0x6d], {}, 'memory', /^resident memory grew by \d+ MiB, over the 256 MiB bound$/],
    // Collecting a nearly full heap is slow on a loaded machine: neither the time-out nor the RSS bound may come first.
    ['the JS heap filling up', [0x6a], { inputTimeoutMs: 120_000, maxMemoryMb: 4096 }, 'memory', "the JS heap passed the worker's 128 MiB limit"],
    ['an unexpected error', [0x74], {}, 'unexpected', /^an unexpected TypeError: toy bug/],
  ])('%s: killed or caught', async (_, bytes, options, kind, detail) => {
    const report = await fuzzTarget(toy('misbehaving'), { ...QUICK, ...options, reproFile: file(`${kind}.bin`, bytes) });
    expect(report.failure?.kind).toBe(kind);
    expect(report.failure?.detail).toMatch(detail);
  });

  test('a killed worker is replaced: the next input runs in a fresh one', async () => {
    const worker = new TargetWorker(toy('misbehaving'), { inputTimeoutMs: 2000, maxRssGrowthBytes: 256 * 2 ** 20, maxHeapMb: 128 });
    try {
      expect((await worker.run(Uint8Array.of(0x68))).kind).toBe('timeout');
      expect((await worker.run(Uint8Array.of(0x01, 9))).kind).toBe('ok');
      expect((await worker.run(Uint8Array.of(0x6d))).kind).toBe('memory');
      expect(await worker.run(Uint8Array.of(0x02))).toMatchObject({ kind: 'expected', message: 'unknown tag 2' });
    } finally {
      await worker.close();
    }
  });

  test('expected errors are counted, not failures, and the time budget ends the run', async () => {
    const report = await fuzzTarget(toy('strict'), { ...QUICK, seconds: 2 });
    expect(report.failure).toBeUndefined();
    expect(report.inputs).toBeGreaterThan(10);
    expect(report.ok + report.expected).toBe(report.inputs);
    expect(report.commonErrors[0][0]).toBe('bad header N (N bytes)');
  });
});

describe('fuzzOptionsFromEnv', () => {
  test('reads CROWD_FUZZ_* and refuses nonsense', () => {
    expect(fuzzOptionsFromEnv({ CROWD_FUZZ_SECONDS: '300', CROWD_FUZZ_SEED: '7', CROWD_FUZZ_REPRO: '/tmp/x.bin' })).toEqual({ ...FUZZ_DEFAULTS, seconds: 300, seed: 7, reproFile: '/tmp/x.bin' });
    expect(fuzzOptionsFromEnv({})).toEqual(FUZZ_DEFAULTS);
    expect(() => fuzzOptionsFromEnv({ CROWD_FUZZ_SECONDS: 'soon' })).toThrow('CROWD_FUZZ_SECONDS: expected a number ≥ 0, got "soon"');
  });
});
