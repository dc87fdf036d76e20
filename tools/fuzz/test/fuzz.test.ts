import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { formatFailure, formatReport, fuzzOptionsFromEnv, fuzzTarget } from '../src/runner.ts';

const TARGETS = fileURLToPath(new URL('../targets/', import.meta.url));
const only = process.env.CROWD_FUZZ_TARGETS?.split(',').map((name) => name.trim()).filter(Boolean);
const files = readdirSync(TARGETS)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
  .filter((file) => only === undefined || only.includes(basename(file, '.ts')))
  .sort();
const options = fuzzOptionsFromEnv();

describe.each(files)('fuzz target %s', (file) => {
  test(`every seed loads; ${options.reproFile ? 'the repro input' : `${options.seconds} s of mutations`} throw only expected errors, within time and memory`, async () => {
    const report = await fuzzTarget(join(TARGETS, file), options);
    console.log(formatReport(report));
    expect(report.failure, report.failure && formatFailure(report)).toBeUndefined();
    if (options.reproFile === undefined) expect(report.seedsOk).toBe(report.seeds);
  }, options.seconds * 1000 + 180_000);
});
