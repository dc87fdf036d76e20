import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sample } from '@crowd/datasets/node';
import type { TrainConfig } from '../config.js';
import { TrainError } from '../errors.js';
import { train, type LearningRateSchedule, type TrainCallbacks, type TrainResult } from '../train-loop.js';
import { directoryCheckpointStore } from './directory-checkpoint-store.js';
import { fileTrainingSet, fileValidationSet } from './file-datasets.js';
import { loadInitialModel, type InitialModelOptions } from './initial-model.js';
import { JsonlLog } from './jsonl-log.js';
import { workerCompute, type WorkerCompute } from './worker-compute.js';
import { writeCurve } from './write-curve.js';

/** Where a run's outputs are, under its `out` folder. */
export interface TrainOutputs {
  /** The latest checkpoint (resume from it). */
  checkpoint: string;
  /** The best model so far: a tfjs model folder. */
  best: string;
  /** One JSON object per step and per epoch. */
  log: string;
  /** Train loss and validation MAE per epoch. */
  curve: string;
}

export interface TrainOnDiskOptions {
  train: readonly Sample[];
  val: readonly Sample[];
  /** The output folder (created if needed). */
  out: string;
  config?: TrainConfig;
  /** Continue the checkpoint in `out` if there is one. @default false */
  resume?: boolean;
  /** The model of a fresh run. On resume the checkpoint's model is used, and `variant`/`widthDivisor`, if given, must match it. */
  model?: InitialModelOptions;
  callbacks?: TrainCallbacks;
  lr?: LearningRateSchedule;
  now?: () => number;
  /** The folders named in "run `crowd prepare <folder>` first" (what the user gave). @default the folder holding the images */
  prepareRoot?: { train?: string; val?: string };
  /**
   * Worker threads for the forward and backward passes (`workerCompute`, on
   * the active backend, which must then be wasm or cpu); 1 computes in this
   * thread. A batch is split over the workers, so more workers than `batch`
   * only speed up validation. The numbers do not depend on it (see
   * `workerCompute`), so a run may resume with another count.
   * @default 1
   */
  workers?: number;
  /** The most pixels an image (and its density map) may have; larger ones are refused before decoding. @default 100_000_000 (datasets' DEFAULT_MAX_PIXELS) */
  maxPixels?: number;
}

/** The paths of a run's outputs under `out`. */
export function trainOutputs(out: string): TrainOutputs {
  return { checkpoint: join(out, 'checkpoint'), best: join(out, 'best'), log: join(out, 'log.jsonl'), curve: join(out, 'curve.png') };
}

/**
 * A training run on files: samples from `@crowd/datasets` (the images and
 * the density `.h5` files `crowd prepare` wrote), checkpoints and the best
 * model in folders under `out`, metrics in `out/log.jsonl`, and the curve in
 * `out/curve.png` (also drawn when a run fails after logging, from the log so far).
 */
export async function trainOnDisk(options: TrainOnDiskOptions): Promise<TrainResult & { outputs: TrainOutputs }> {
  const outputs = trainOutputs(options.out);
  await mkdir(options.out, { recursive: true });
  const log = new JsonlLog(outputs.log);
  const model = options.model ?? {};
  const onStart = options.callbacks?.onStart;
  const workers = options.workers ?? 1;
  let compute: WorkerCompute | undefined;
  try {
    if (workers !== 1) compute = workerCompute({ workers });
    const result = await train({
      config: options.config,
      data: fileTrainingSet(options.train, { prepareRoot: options.prepareRoot?.train, maxPixels: options.maxPixels }),
      validation: fileValidationSet(options.val, { prepareRoot: options.prepareRoot?.val, maxPixels: options.maxPixels }),
      init: () => loadInitialModel(model),
      store: directoryCheckpointStore(options.out),
      resume: options.resume,
      log,
      lr: options.lr,
      now: options.now,
      compute,
      callbacks: {
        ...options.callbacks,
        async onStart(info) {
          if (info.resumed) checkResumedModel(info.model.config, model);
          await onStart?.(info);
        },
      },
    });
    await writeCurve(outputs.log, outputs.curve);
    return { ...result, outputs };
  } catch (error) {
    // The curve of the epochs that did finish still helps to see what went wrong.
    if (log.position() > 0) await writeCurve(outputs.log, outputs.curve).catch(() => undefined);
    throw error;
  } finally {
    log.close();
    await compute?.close();
  }
}

function checkResumedModel(config: { variant: string; widthDivisor: number }, asked: InitialModelOptions): void {
  const from = [asked.init, asked.initFrontend].find((p) => p !== undefined);
  if (from !== undefined || asked.initOptimizer) {
    throw new TrainError('CONFIG_INVALID', `resume: the weights come from the checkpoint; init${from === undefined ? 'Optimizer' : ` (${from})`} applies to fresh runs only`);
  }
  if ((asked.variant !== undefined && asked.variant !== config.variant) || (asked.widthDivisor !== undefined && asked.widthDivisor !== config.widthDivisor)) {
    throw new TrainError(
      'CONFIG_INVALID',
      `resume: the checkpoint's model is variant ${config.variant} with width divisor ${config.widthDivisor}, got variant ${asked.variant ?? config.variant} with width divisor ${asked.widthDivisor ?? config.widthDivisor}`,
    );
  }
}
