import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { mutate } from './mutator.js';
import { TargetWorker, type InputOutcome } from './target-worker.js';

/** How long and how hard to fuzz; {@link fuzzOptionsFromEnv} reads them from the environment. */
export interface FuzzOptions {
  /** Time budget per target, seeds included. `CROWD_FUZZ_SECONDS`. @default 8 */
  seconds: number;
  /** Seed of the mutation sequence. `CROWD_FUZZ_SEED`. @default 1 */
  seed: number;
  /** Wall time one input may take. `CROWD_FUZZ_INPUT_TIMEOUT_MS`. @default 10000 */
  inputTimeoutMs: number;
  /** How far resident memory may grow during one input, in MiB. `CROWD_FUZZ_MAX_MEMORY_MB`. @default 1024 */
  maxMemoryMb: number;
  /** The worker's JS heap limit, in MiB. @default 1024 */
  maxHeapMb: number;
  /**
   * Stop after this many inputs (seeds included), whatever the time left: with
   * the same seed, replays a run up to its failure, for failures that depend
   * on what earlier inputs left behind. `CROWD_FUZZ_INPUTS`. @default Infinity
   */
  maxInputs: number;
  /** Run only this file, unmutated (reproducing a failure). `CROWD_FUZZ_REPRO`. */
  reproFile?: string;
}

export const FUZZ_DEFAULTS: FuzzOptions = Object.freeze({
  seconds: 8,
  seed: 1,
  inputTimeoutMs: 10_000,
  maxMemoryMb: 1024,
  maxHeapMb: 1024,
  maxInputs: Number.POSITIVE_INFINITY,
});

/** {@link FUZZ_DEFAULTS} overridden by the `CROWD_FUZZ_*` variables that are set. */
export function fuzzOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): FuzzOptions {
  const number = (name: string, fallback: number): number => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: expected a number ≥ 0, got ${JSON.stringify(text)}`);
    return value;
  };
  return {
    ...FUZZ_DEFAULTS,
    seconds: number('CROWD_FUZZ_SECONDS', FUZZ_DEFAULTS.seconds),
    seed: number('CROWD_FUZZ_SEED', FUZZ_DEFAULTS.seed),
    inputTimeoutMs: number('CROWD_FUZZ_INPUT_TIMEOUT_MS', FUZZ_DEFAULTS.inputTimeoutMs),
    maxMemoryMb: number('CROWD_FUZZ_MAX_MEMORY_MB', FUZZ_DEFAULTS.maxMemoryMb),
    maxInputs: number('CROWD_FUZZ_INPUTS', FUZZ_DEFAULTS.maxInputs),
    ...(env.CROWD_FUZZ_REPRO ? { reproFile: env.CROWD_FUZZ_REPRO } : {}),
  };
}

/** The first input that broke a bound. */
export interface FuzzFailure {
  kind: 'unexpected' | 'timeout' | 'memory' | 'crash';
  /** `seed 2` (a seed as is), `input 1234` (mutated), or `repro`. */
  input: string;
  /** Where its bytes were written, to reproduce it. */
  file: string;
  bytes: number;
  detail: string;
  /** For a mutated input: the seed it came from and what was done to it. */
  origin?: string;
}

export interface FuzzReport {
  target: string;
  file: string;
  seed: number;
  seconds: number;
  seeds: number;
  /** Seeds that ran without an error (all should: they are valid inputs). */
  seedsOk: number;
  /** Inputs run, seeds included. */
  inputs: number;
  ok: number;
  expected: number;
  slowestMs: number;
  /** The largest resident-memory growth one input caused, in bytes. */
  peakRssGrowth: number;
  /** The commonest expected errors, numbers masked, with their counts. */
  commonErrors: Array<[string, number]>;
  failure?: FuzzFailure;
}

/**
 * Fuzzes the target in `file` (a `targets/*.ts` module) for
 * `options.seconds`: every seed as it is, then `mutate()`d inputs in order
 * until the time is up or one breaks a bound. The failing input is written
 * to the temp folder and named in the report.
 */
export async function fuzzTarget(file: string, options: FuzzOptions): Promise<FuzzReport> {
  const worker = new TargetWorker(file, {
    inputTimeoutMs: options.inputTimeoutMs,
    maxRssGrowthBytes: options.maxMemoryMb * 2 ** 20,
    maxHeapMb: options.maxHeapMb,
  });
  const started = performance.now();
  try {
    const { name, seeds, inputsPerWorker } = await worker.seeds();
    const run = (bytes: Uint8Array): Promise<InputOutcome> => worker.run(bytes, inputsPerWorker);
    const report: FuzzReport = {
      target: name,
      file,
      seed: options.seed,
      seconds: 0,
      seeds: seeds.length,
      seedsOk: 0,
      inputs: 0,
      ok: 0,
      expected: 0,
      slowestMs: 0,
      peakRssGrowth: 0,
      commonErrors: [],
    };
    const errors = new Map<string, number>();
    const record = (outcome: InputOutcome, input: string, bytes: Uint8Array, origin?: string): boolean => {
      report.inputs += 1;
      report.slowestMs = Math.max(report.slowestMs, outcome.ms);
      report.peakRssGrowth = Math.max(report.peakRssGrowth, outcome.rssGrowth);
      if (outcome.kind === 'ok') report.ok += 1;
      else if (outcome.kind === 'expected') {
        report.expected += 1;
        const pattern = outcome.message.replace(/(?<=^|\s)\/[^\s:]+/g, 'PATH').replace(/\d[\d,.]*/g, 'N').slice(0, 120);
        errors.set(pattern, (errors.get(pattern) ?? 0) + 1);
      } else {
        const path = join(tmpdir(), `crowd-fuzz-${name}-${options.seed}-${input.replace(/\W+/g, '-')}.bin`);
        writeFileSync(path, bytes);
        report.failure = { kind: outcome.kind, input, file: path, bytes: bytes.length, detail: describeOutcome(outcome, options), ...(origin === undefined ? {} : { origin }) };
      }
      return report.failure === undefined;
    };

    if (options.reproFile !== undefined) {
      const bytes = new Uint8Array(readFileSync(options.reproFile));
      record(await run(bytes), 'repro', bytes);
    } else {
      const deadline = started + options.seconds * 1000;
      for (const [i, seed] of seeds.entries()) {
        const outcome = await run(seed);
        if (outcome.kind === 'ok') report.seedsOk += 1;
        if (!record(outcome, `seed ${i}`, seed)) break;
      }
      const maxLength = Math.max(4096, 2 * Math.max(...seeds.map((s) => s.length)));
      for (let index = 0; report.failure === undefined && performance.now() < deadline && report.inputs < options.maxInputs; index++) {
        const { bytes, seedIndex, mutations } = mutate(seeds, options.seed, index, maxLength);
        if (!record(await run(bytes), `input ${index}`, bytes, `seed ${seedIndex} → ${mutations.join(', ')}`)) break;
      }
    }
    report.seconds = (performance.now() - started) / 1000;
    report.commonErrors = [...errors].sort((a, b) => b[1] - a[1]).slice(0, 5);
    return report;
  } finally {
    await worker.close();
  }
}

function describeOutcome(outcome: InputOutcome, options: FuzzOptions): string {
  switch (outcome.kind) {
    case 'unexpected':
    case 'crash':
      return `${outcome.kind === 'crash' ? 'the worker crashed: ' : 'an unexpected '}${outcome.error.name}: ${outcome.error.message}\n${outcome.error.stack ?? ''}`;
    case 'timeout':
      return `still running after the ${options.inputTimeoutMs} ms time-out`;
    case 'memory':
      return outcome.detail;
    default:
      return outcome.kind;
  }
}

/** One paragraph for the test log: throughput, outcomes, worst time and memory, the commonest errors. */
export function formatReport(r: FuzzReport): string {
  const pct = (n: number): string => `${((100 * n) / Math.max(1, r.inputs)).toFixed(0)}%`;
  const lines = [
    `fuzz ${r.target}: ${r.inputs.toLocaleString('en-US')} inputs in ${r.seconds.toFixed(1)} s (${(r.inputs / Math.max(r.seconds, 1e-9)).toFixed(0)}/s), seed ${r.seed}; ` +
      `${r.seedsOk}/${r.seeds} seeds load; ok ${pct(r.ok)}, expected errors ${pct(r.expected)}; slowest input ${r.slowestMs.toFixed(0)} ms; ` +
      `largest memory growth ${(r.peakRssGrowth / 2 ** 20).toFixed(0)} MiB`,
    ...r.commonErrors.map(([message, count]) => `  ${count.toLocaleString('en-US').padStart(7)} × ${message}`),
  ];
  if (r.failure !== undefined) lines.push(formatFailure(r));
  return lines.join('\n');
}

/** How to reproduce a failure: the input's file, and the command that runs it alone. */
export function formatFailure(r: FuzzReport): string {
  const f = r.failure!;
  return [
    `FAILED on ${f.input} (seed ${r.seed}${f.origin === undefined ? '' : `; ${f.origin}`}): ${f.detail}`,
    `  the input (${f.bytes.toLocaleString('en-US')} bytes) is in ${f.file}; reproduce it alone with`,
    `  cd tools/fuzz && CROWD_FUZZ_TARGETS=${basename(r.file, '.ts')} CROWD_FUZZ_REPRO=${f.file} npx vitest run test/fuzz.test.ts`,
    `  or, if it only fails after the inputs before it, replay the run up to it with CROWD_FUZZ_SEED=${r.seed} CROWD_FUZZ_INPUTS=${r.inputs} CROWD_FUZZ_SECONDS=3600`,
  ].join('\n');
}
