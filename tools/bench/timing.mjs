// Timing and reporting helpers shared by the benchmarks and the GPU check.
import os from 'node:os';

/** The middle value (the upper one of an even count), as the other benches report it. */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs `fn` `warmup` times, then `runs` times timed one by one: wall ms
 * (min, median, each run) and this process's CPU seconds per timed run (all
 * its threads, user + system). `fn` must finish its work before resolving
 * (await the output's data on a GPU).
 */
export async function timeRuns(fn, { runs, warmup = 1 }) {
  for (let i = 0; i < warmup; i++) await fn();
  const ms = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  return { runs_ms: ms, min_ms: Math.min(...ms), median_ms: median(ms), cpu_s_per_run: (cpu.user + cpu.system) / 1e6 / runs };
}

/** `load 1.02 0.87 0.66` (1, 5 and 15 minute load averages), to print before and after a measurement. */
export const loadLine = () => `load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;

/** Parses `--name=value` and bare `--flag` arguments. */
export function parseArgs(argv = process.argv.slice(2)) {
  return Object.fromEntries(
    argv.map((a) => {
      const [name, ...value] = a.replace(/^--/, '').split('=');
      return [name, value.length === 0 ? true : value.join('=')];
    }),
  );
}

/** `"1024x768"` → `[1024, 768]` (width, height). */
export function parseSize(text) {
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (m === null) throw new Error(`expected a size WIDTHxHEIGHT such as 1024x768, got ${JSON.stringify(text)}`);
  return [Number(m[1]), Number(m[2])];
}

export { maxDiff } from '../test-utils/src/arrays.mjs';
