import { relative, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { maxPixelsOption } from '../max-pixels-option.js';
import type { StopSignal } from '../prepare/abort-on-signals.js';
import { createProgress } from '../progress.js';
import type { PrepareSummary, SkippedOutcome } from '../prepare/prepare-dataset.js';
import type { PrepareOutcome } from '../prepare/prepare-image.js';
import type { CliIo } from '../cli-io.js';

function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got "${value}".`);
    return n;
  };
}

function positiveInteger(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer, got "${value}".`);
    return n;
  };
}

interface PrepareFlags {
  mode: 'preserving' | 'reference';
  kernel?: 'adaptive' | 'fixed';
  sigma?: number;
  k?: number;
  beta?: number;
  force?: boolean;
  json?: boolean;
  jobs?: number;
  maxPixels?: number;
}

export function prepareCommand(io: CliIo): Command {
  return new Command('prepare')
    .description(
      'Write a density map (IMG_n.h5, dataset "density") next to every annotated image, in the format CSRNet-pytorch reads.',
    )
    .argument('<dataset>', 'dataset root (ShanghaiTech, UCF-QNRF, UCF_CC_50, JHU-Crowd++, NWPU-Crowd) or a JSON list of image paths')
    .addOption(
      new Option('--mode <mode>', 'preserving: every head sums to 1; reference: bit-faithful to make_dataset.ipynb')
        .choices(['preserving', 'reference'])
        .default('preserving'),
    )
    .addOption(
      new Option('--kernel <kernel>', 'Gaussian kernel (default: adaptive for Part A and other datasets, fixed for Part B)').choices([
        'adaptive',
        'fixed',
      ]),
    )
    .option('--sigma <pixels>', 'σ of the fixed kernel (default 15)', positiveNumber('--sigma'))
    .option('--k <n>', 'adaptive kernel: nearest neighbours averaged (default 3)', positiveInteger('--k'))
    .option('--beta <factor>', 'adaptive kernel: σ = beta × mean neighbour distance (default 0.3)', positiveNumber('--beta'))
    .option('--force', 'rewrite densities that already exist')
    .option('--jobs <n>', 'worker threads (default: all cores)', positiveInteger('--jobs'))
    .addOption(maxPixelsOption())
    .option('--json', 'print one JSON summary on stdout instead of text')
    .action(async (dataset: string, flags: PrepareFlags) => {
      // Loaded once the arguments parse: `crowd prepare --help` should not pay for sharp and h5wasm.
      const [{ abortOnSignals, signalExitCode }, { prepareDataset }] = await Promise.all([import('../prepare/abort-on-signals.js'), import('../prepare/prepare-dataset.js')]);
      const root = resolve(dataset);
      const progress = createProgress(io.stderr, io.stdout, 'prepare');
      // Ctrl-C (or a SIGTERM) stops the run without leaving half-written temp files; a second one exits at once.
      const controller = new AbortController();
      const release = abortOnSignals(controller);
      let summary: PrepareSummary;
      try {
        summary = await prepareDataset(root, {
          ...flags,
          signal: controller.signal,
          onWarning: (message) => io.stderr.write(`crowd: warning: ${message}\n`),
          onStart: (total) => progress.start(total),
          onOutcome: (outcome) => progress.tick(flags.json ? undefined : describeOutcome(outcome, root)),
        });
      } finally {
        release();
        progress.stop();
      }
      io.stdout.write(`${flags.json ? JSON.stringify(jsonSummary(summary, root)) : describeSummary(summary)}\n`);
      if (summary.interrupted) {
        const signal = controller.signal.reason as StopSignal;
        io.stderr.write(`crowd: prepare stopped by ${signal}; the ${summary.written} densities written are complete, no temp files are left\n`);
        process.exitCode = signalExitCode(signal);
      } else if (summary.failed > 0) {
        process.exitCode = 1;
      }
    });
}

function describeOutcome(outcome: PrepareOutcome | SkippedOutcome, root: string): string {
  const image = relative(root, outcome.image) || outcome.image;
  switch (outcome.status) {
    case 'written':
      return `${image}  heads ${outcome.annotated}  used ${outcome.used}  sum ${outcome.count.toFixed(2)}  -> ${relative(root, outcome.density)}`;
    case 'skipped':
      return `${image}  skipped (exists; --force rewrites)`;
    case 'failed':
      return `${image}  FAILED: ${outcome.error}`;
  }
}

function describeSummary(s: PrepareSummary): string {
  const stopped = s.interrupted ? `, ${s.images - s.outcomes.length} not done (interrupted)` : '';
  return `${s.images} images, ${s.heads} heads: ${s.written} written, ${s.skipped} skipped, ${s.failed} failed${stopped} in ${s.seconds.toFixed(2)} s`;
}

function jsonSummary(s: PrepareSummary, root: string) {
  return {
    root,
    images: s.images,
    heads: s.heads,
    written: s.written,
    skipped: s.skipped,
    failed: s.failed,
    interrupted: s.interrupted,
    removedTempFiles: s.removedTempFiles,
    seconds: s.seconds,
    results: s.outcomes,
  };
}
