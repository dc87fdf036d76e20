import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { findSamples, removeStaleTempFiles, removeTempFilesOf } from '@crowd/datasets/node';
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
  /** Receives warnings that do not stop the run: duplicate list entries, stale temp files removed. @default process.emitWarning */
  onWarning?: (message: string) => void;
  /** The most pixels an image (and so its density map) may have; larger ones fail. @default 100_000_000 */
  maxPixels?: number;
  /**
   * Stops the run: no image is started after it aborts, workers are
   * terminated at once, and the temp files of the writes they had in progress
   * are removed. The images already written stay.
   */
  signal?: AbortSignal;
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
  /** Temp files an interrupted earlier run had left next to the densities, removed before starting. */
  removedTempFiles: string[];
  /** The run was stopped by `signal` before every image was done. */
  interrupted: boolean;
}

/**
 * Writes a reference-format density `.h5` for every annotated image under
 * `root` (a dataset root or a list file). A bad annotation fails only its own
 * image; the summary counts it and the caller decides the exit code. Before
 * starting, the temp files that an interrupted run (SIGKILL, a crash) left
 * in the density folders are removed and reported through `onWarning`.
 */
export async function prepareDataset(root: string, options: PrepareOptions = {}): Promise<PrepareSummary> {
  const started = performance.now();
  const startedAt = Date.now();
  const onWarning = options.onWarning ?? ((message: string) => process.emitWarning(message, 'CrowdPrepareWarning'));
  const samples = await findSamples(root, { onWarning });
  const removedTempFiles = await removeStaleTempFiles(samples.map((sample) => dirname(sample.density)), { since: startedAt });
  if (removedTempFiles.length > 0) {
    onWarning(`removed ${removedTempFiles.length} stale temp file${removedTempFiles.length === 1 ? '' : 's'} left by an interrupted run: ${removedTempFiles.join(', ')}`);
  }
  const outcomes: Array<PrepareOutcome | SkippedOutcome> = [];
  const tasks: PrepareTask[] = [];
  options.onStart?.(samples.length);
  const record = (outcome: PrepareOutcome | SkippedOutcome) => {
    outcomes.push(outcome);
    options.onOutcome?.(outcome, outcomes.length, samples.length);
  };
  for (const sample of samples) {
    if (!options.force && existsSync(sample.density)) record({ status: 'skipped', image: sample.image, density: sample.density });
    else tasks.push({ sample, density: densitySettingsFor(sample, options), maxPixels: options.maxPixels });
  }
  const { signal } = options;
  const jobs = Math.max(1, Math.min(options.jobs ?? availableParallelism(), tasks.length));
  if (jobs === 1) {
    for (const task of tasks) {
      if (signal?.aborted) break;
      record(await prepareImage(task));
    }
  } else {
    await runInWorkers(tasks, jobs, record, signal);
  }

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
    removedTempFiles,
    interrupted: signal?.aborted === true && outcomes.length < samples.length,
  };
}

async function runInWorkers(tasks: PrepareTask[], jobs: number, record: (o: PrepareOutcome) => void, signal: AbortSignal | undefined): Promise<void> {
  const queue = tasks.slice();
  const workerUrl = new URL('./prepare-worker.js', import.meta.url);
  // What each worker is writing, so that after terminating them their temp files can be found.
  const inFlight = new Set<PrepareTask>();
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      let worker = new Worker(workerUrl);
      try {
        for (let task = queue.shift(); task !== undefined && !signal?.aborted; task = queue.shift()) {
          const current = task;
          inFlight.add(current);
          const outcome = await new Promise<PrepareOutcome | undefined>((resolve) => {
            const onMessage = (message: PrepareOutcome) => {
              settle();
              resolve(message);
            };
            // A crashed worker cannot take more work: report this image and start a fresh one.
            const onError = (error: unknown) => {
              settle();
              void worker.terminate();
              worker = new Worker(workerUrl);
              resolve({ status: 'failed', image: current.sample.image, error: `worker crashed: ${String(error)}` });
            };
            // Stopped mid-image: the worker is terminated at once (finally, below), the image left undone.
            const onAbort = () => {
              settle();
              resolve(undefined);
            };
            const settle = () => {
              worker.off('message', onMessage);
              worker.off('error', onError);
              signal?.removeEventListener('abort', onAbort);
            };
            worker.once('message', onMessage);
            worker.once('error', onError);
            signal?.addEventListener('abort', onAbort, { once: true });
            worker.postMessage(current);
          });
          if (outcome === undefined) break;
          inFlight.delete(current);
          record(outcome);
        }
      } finally {
        await worker.terminate();
      }
    }),
  );
  // Worker threads share this process's pid, which names their temp files.
  if (inFlight.size > 0) await removeTempFilesOf([...inFlight].map((task) => task.sample.density));
}
