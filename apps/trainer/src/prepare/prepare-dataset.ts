import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { findSamples } from '@crowd/datasets/node';
import { densitySettingsFor, type DensityRequest } from './density-settings.js';
import { prepareImage, type PrepareOutcome, type PrepareTask } from './prepare-image.js';

export interface PrepareOptions extends DensityRequest {
  /** Rewrite densities that already exist. @default false */
  force?: boolean;
  /** Worker threads; 1 runs in-process. @default all cores */
  jobs?: number;
  /** Called once per image as soon as its outcome is known (in completion order). */
  onOutcome?: (outcome: PrepareOutcome | SkippedOutcome, done: number, total: number) => void;
  /** Called once the images are known, before any work starts. */
  onStart?: (total: number) => void;
}

export interface SkippedOutcome {
  status: 'skipped';
  image: string;
  density: string;
}

export interface PrepareSummary {
  images: number;
  written: number;
  skipped: number;
  failed: number;
  /** Annotated heads over the images written this run. */
  heads: number;
  seconds: number;
  outcomes: Array<PrepareOutcome | SkippedOutcome>;
}

/**
 * Writes a reference-format density `.h5` for every annotated image under
 * `root` (a dataset root or a list file). A bad annotation fails only its own
 * image; the summary counts it and the caller decides the exit code.
 */
export async function prepareDataset(root: string, options: PrepareOptions = {}): Promise<PrepareSummary> {
  const started = performance.now();
  const samples = await findSamples(root);
  const outcomes: Array<PrepareOutcome | SkippedOutcome> = [];
  const tasks: PrepareTask[] = [];
  options.onStart?.(samples.length);
  const record = (outcome: PrepareOutcome | SkippedOutcome) => {
    outcomes.push(outcome);
    options.onOutcome?.(outcome, outcomes.length, samples.length);
  };
  for (const sample of samples) {
    if (!options.force && existsSync(sample.density)) record({ status: 'skipped', image: sample.image, density: sample.density });
    else tasks.push({ sample, density: densitySettingsFor(sample, options) });
  }
  const jobs = Math.max(1, Math.min(options.jobs ?? availableParallelism(), tasks.length));
  if (jobs === 1) for (const task of tasks) record(await prepareImage(task));
  else await runInWorkers(tasks, jobs, record);

  let heads = 0;
  for (const o of outcomes) if (o.status === 'written') heads += o.annotated;
  const count = (status: string) => outcomes.filter((o) => o.status === status).length;
  return {
    images: samples.length,
    written: count('written'),
    skipped: count('skipped'),
    failed: count('failed'),
    heads,
    seconds: (performance.now() - started) / 1000,
    outcomes,
  };
}

async function runInWorkers(tasks: PrepareTask[], jobs: number, record: (o: PrepareOutcome) => void): Promise<void> {
  const queue = tasks.slice();
  const workerUrl = new URL('./prepare-worker.js', import.meta.url);
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      let worker = new Worker(workerUrl);
      try {
        for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
          const current = task;
          const outcome = await new Promise<PrepareOutcome>((resolve) => {
            const onMessage = (message: PrepareOutcome) => {
              worker.off('error', onError);
              resolve(message);
            };
            // A crashed worker cannot take more work: report this image and start a fresh one.
            const onError = (error: unknown) => {
              worker.off('message', onMessage);
              void worker.terminate();
              worker = new Worker(workerUrl);
              resolve({ status: 'failed', image: current.sample.image, error: `worker crashed: ${String(error)}` });
            };
            worker.once('message', onMessage);
            worker.once('error', onError);
            worker.postMessage(current);
          });
          record(outcome);
        }
      } finally {
        await worker.terminate();
      }
    }),
  );
}
