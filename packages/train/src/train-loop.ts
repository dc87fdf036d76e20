import * as tf from '@tensorflow/tfjs';
import type { CsrnetModel } from '@crowd/csrnet';
import type { Checkpoint, CheckpointStore } from './checkpoint-store.js';
import { resolveTrainConfig, resumeTrainConfig, type ResolvedTrainConfig, type TrainConfig } from './config.js';
import { patchWindow } from './crop-window.js';
import type { TrainingSet, ValidationSet, ValidationTruth } from './data.js';
import { planEpoch, toBatches, type Example } from './epoch-plan.js';
import { describeValue, TrainError } from './errors.js';
import { cropAndMirror } from './joint-transform.js';
import { createOptimizer, type OptimizerState, type TrainOptimizer } from './optimizer.js';
import { Prng } from './prng.js';
import type { EpochRecord, StepRecord, TrainLog } from './records.js';
import { inProcessCompute, type BatchExample, type TrainCompute } from './train-compute.js';
import { initialTrainState, type TrainState } from './train-state.js';
import { validate } from './validate.js';

/** The learning rate for the step about to be taken: `epoch` is 0-based, `step` counts the steps taken so far. */
export type LearningRateSchedule = (epoch: number, step: number) => number;

/** The default schedule: `lr` throughout (train.py's `adjust_learning_rate` with its scales of 1 is this). */
export function constantLearningRate(lr: number): LearningRateSchedule {
  return () => lr;
}

/** A fresh run's model, and optionally an optimiser state to start from (e.g. a PyTorch checkpoint's momentum buffers). */
export interface InitialModel {
  model: CsrnetModel;
  optimizerState?: OptimizerState;
}

/** Where a run starts (fresh or resumed), given to `onStart`. */
export interface StartInfo {
  model: CsrnetModel;
  config: ResolvedTrainConfig;
  resumed: boolean;
  /** Epochs finished and steps taken before this process. */
  epoch: number;
  step: number;
  trainImages: number;
  valImages: number;
}

/** Observers of a run, as tfjs-layers' CustomCallback. A callback that throws stops the run. */
export interface TrainCallbacks {
  onStart?(info: StartInfo): void | Promise<void>;
  /** `done` batches of the epoch were taken before this process (a resumed epoch). */
  onEpochStart?(info: { epoch: number; epochs: number; batches: number; done: number }): void;
  onStep?(record: StepRecord): void;
  onEpochEnd?(record: EpochRecord): void;
}

export interface TrainOptions {
  /** Options over the preset; on resume, only `epochs`, `maxSteps` and `checkpointEvery` may differ from the checkpoint's. */
  config?: TrainConfig;
  data: TrainingSet;
  validation: ValidationSet;
  /** Makes the model of a fresh run (not called when resuming). */
  init?: () => InitialModel | Promise<InitialModel>;
  /** Where checkpoints and the best model go; without one nothing is saved. */
  store?: CheckpointStore;
  /** Continue from the store's checkpoint (a fresh run when there is none yet). @default false */
  resume?: boolean;
  log?: TrainLog;
  callbacks?: TrainCallbacks;
  /** @default constantLearningRate(config.lr) */
  lr?: LearningRateSchedule;
  /** Milliseconds, for images/s and epoch times. @default performance.now */
  now?: () => number;
  /**
   * Where the forward and backward passes run (`workerCompute` from
   * `@crowd/train/node` spreads each batch over worker threads). It does not
   * change the numbers beyond float summation order (see `TrainCompute`), so a
   * run may resume on another one. The caller owns (closes) it.
   * @default inProcessCompute
   */
  compute?: TrainCompute;
}

export interface TrainResult {
  /** The trained model; the caller owns (and disposes) it. */
  model: CsrnetModel;
  state: TrainState;
  /** `'max-steps'` when `maxSteps` ended the run before its last epoch. */
  stopped: 'completed' | 'max-steps';
}

/**
 * Trains CSRNet: each epoch plans its examples from the seeded generator,
 * takes one step per batch (sum-of-squared-errors loss, as train.py), then
 * validates, keeps the best model (lowest MAE) and writes a checkpoint; also
 * every `checkpointEvery` steps. A run resumed from any checkpoint replays
 * exactly the steps an uninterrupted run would have taken. A NaN or infinite
 * loss stops the run with a `NON_FINITE` error before the weights are
 * touched, leaving the last checkpoint as it was.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const { data, validation, store, log, callbacks = {}, compute = inProcessCompute } = options;
  const now = options.now ?? (() => performance.now());
  if (options.resume && store === undefined) throw new TrainError('CONFIG_INVALID', 'resume: expected a checkpoint store to resume from, got none');
  const checkpoint = options.resume ? await store!.load() : undefined;
  if (!options.resume && store !== undefined && (await store.exists())) {
    throw new TrainError('CONFIG_INVALID', `a checkpoint already exists in ${store.location}; resume it, or train into another folder`);
  }
  let started: Started;
  try {
    // Data problems are reported before any (possibly large) weights are read.
    const config = checkpoint === undefined ? resolveTrainConfig(options.config) : resumeTrainConfig(checkpoint.state.config, options.config);
    if (data.size === 0) throw new TrainError('CONFIG_INVALID', 'training set: expected at least one image, found none');
    if (validation.size === 0) throw new TrainError('CONFIG_INVALID', 'validation set: expected at least one image, found none');
    await data.check();
    await validation.check(truthOf(config));
    started = checkpoint === undefined ? await freshRun(options.init, config, data.size) : resumedRun(checkpoint, config, data.size);
  } catch (error) {
    checkpoint?.model.dispose();
    throw error;
  }
  const { model, optimizer, state } = started;
  let finished = false;
  try {
    await log?.truncate(state.logBytes);
    const { config } = state;
    const truth = truthOf(config);
    await callbacks.onStart?.({ model, config, resumed: checkpoint !== undefined, epoch: state.epoch, step: state.step, trainImages: data.size, valImages: validation.size });

    const schedule = options.lr ?? constantLearningRate(config.lr);
    let savedStep = checkpoint === undefined ? -1 : state.step;
    const save = async () => {
      if (store === undefined || savedStep === state.step) return;
      await assertFiniteWeights(model, state.step);
      state.logBytes = log?.position() ?? 0;
      await store.save({ model, optimizer: await optimizer.state(), state });
      savedStep = state.step;
    };
    const stopAtMaxSteps = async (): Promise<TrainResult | undefined> => {
      if (config.maxSteps === null || state.step < config.maxSteps) return undefined;
      await save();
      finished = true;
      return { model, state, stopped: 'max-steps' };
    };

    while (state.epoch < config.epochs) {
      const stoppedEarly = await stopAtMaxSteps();
      if (stoppedEarly !== undefined) return stoppedEarly;
      const rng = Prng.fromState(state.epochRng);
      const batches = toBatches(planEpoch(data.size, config, rng), config.batch);
      const nextEpochRng = rng.state();
      const epoch = state.epoch + 1;
      callbacks.onEpochStart?.({ epoch, epochs: config.epochs, batches: batches.length, done: state.stepInEpoch });
      const epochStarted = now();
      // The next batch is read and cropped while this one computes (reading never changes the numbers).
      let upcoming = state.stepInEpoch < batches.length ? readBatch(data, config, batches[state.stepInEpoch]) : undefined;
      for (let b = state.stepInEpoch; b < batches.length; b++) {
        const stopped = await stopAtMaxSteps();
        if (stopped !== undefined) return stopped;
        const stepStarted = now();
        const lr = schedule(state.epoch, state.step);
        if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
          throw new TrainError('CONFIG_INVALID', `lr schedule: expected a finite number ≥ 0 for epoch ${epoch}, step ${state.step + 1}, got ${describeValue(lr)}`);
        }
        optimizer.lr = lr;
        const examples = await upcoming!;
        upcoming = b + 1 < batches.length ? readBatch(data, config, batches[b + 1]) : undefined;
        const where = `step ${state.step + 1} (epoch ${epoch}, batch ${b + 1}/${batches.length})`;
        const loss = await takeStep(model, optimizer, compute, config, examples, where, savedStep);
        state.step += 1;
        state.stepInEpoch += 1;
        state.epochLoss += loss;
        state.epochImages += batches[b].length;
        const record: StepRecord = {
          type: 'step',
          epoch,
          step: state.step,
          batch: b + 1,
          batches: batches.length,
          loss,
          lr,
          images: batches[b].length,
          imagesPerSecond: batches[b].length / Math.max((now() - stepStarted) / 1000, 1e-9),
        };
        await log?.append(record);
        callbacks.onStep?.(record);
        if (config.checkpointEvery > 0 && state.step % config.checkpointEvery === 0 && b < batches.length - 1) await save();
      }

      const metrics = await validate(model, validation, truth, compute, `validation (epoch ${epoch})`);
      const best = state.best === null || metrics.mae < state.best.mae;
      if (best) {
        state.best = { mae: metrics.mae, epoch };
        await store?.saveBest(model, { epoch, step: state.step, valMae: metrics.mae, valRmse: metrics.rmse });
      }
      const loss = state.epochLoss / state.epochImages;
      const record: EpochRecord = {
        type: 'epoch',
        epoch,
        epochs: config.epochs,
        step: state.step,
        loss,
        valMae: metrics.mae,
        valRmse: metrics.rmse,
        best,
        bestMae: state.best!.mae,
        bestEpoch: state.best!.epoch,
        seconds: (now() - epochStarted) / 1000,
      };
      state.history.push({ epoch, step: state.step, loss, valMae: metrics.mae, valRmse: metrics.rmse });
      Object.assign(state, { epoch, stepInEpoch: 0, epochRng: nextEpochRng, epochLoss: 0, epochImages: 0 });
      await log?.append(record);
      callbacks.onEpochEnd?.(record);
      await save();
    }
    finished = true;
    return { model, state, stopped: 'completed' };
  } finally {
    optimizer.dispose();
    // The caller only gets the model from a finished run.
    if (!finished) model.dispose();
  }
}

interface Started {
  model: CsrnetModel;
  optimizer: TrainOptimizer;
  state: TrainState;
}

const truthOf = (config: ResolvedTrainConfig): ValidationTruth => (config.referenceEval ? 'reference-target' : 'annotation');

async function freshRun(init: TrainOptions['init'], config: ResolvedTrainConfig, trainImages: number): Promise<Started> {
  if (typeof init !== 'function') throw new TrainError('CONFIG_INVALID', `init: expected a function that makes the initial model, got ${describeValue(init)}`);
  const initial = await init();
  const optimizer = createOptimizer(initial.model, config);
  try {
    if (initial.optimizerState !== undefined) optimizer.load(initial.optimizerState, 'initial optimizer state');
  } catch (error) {
    optimizer.dispose();
    initial.model.dispose();
    throw error;
  }
  return { model: initial.model, optimizer, state: initialTrainState(config, trainImages) };
}

/** Continues a checkpoint under `config` (its own, with the allowed overrides); the caller disposes the model on error. */
function resumedRun(checkpoint: Checkpoint, config: ResolvedTrainConfig, trainImages: number): Started {
  const { model, state } = checkpoint;
  if (state.trainImages !== trainImages) {
    throw new TrainError('CONFIG_INVALID', `resume: the checkpoint was trained on ${state.trainImages} images, found ${trainImages}; resume with the same training set`);
  }
  const optimizer = createOptimizer(model, config);
  try {
    optimizer.load(checkpoint.optimizer, 'checkpoint');
  } catch (error) {
    optimizer.dispose();
    throw error;
  }
  return { model, optimizer, state: { ...state, config } };
}

/**
 * A batch read and cropped ahead of its step. A failure surfaces when its
 * step awaits it, and never as an unhandled rejection when the run stops first.
 */
function readBatch(data: TrainingSet, config: ResolvedTrainConfig, batch: readonly Example[]): Promise<BatchExample[]> {
  const read = (async () => {
    const examples: BatchExample[] = [];
    // One at a time: the nine patches of an image in one batch then share one decode (the set's cache).
    for (const example of batch) {
      const sample = await data.load(example.sample);
      const window = patchWindow(example.patch, sample.image.height, sample.image.width, config.crop, sample.name);
      const full = window.height === sample.image.height && window.width === sample.image.width;
      const name = `${sample.name}${full ? '' : ` [${window.height}×${window.width} at ${window.top},${window.left}]`}${example.mirror ? ' (mirrored)' : ''}`;
      examples.push({ ...cropAndMirror(sample, window, example.mirror, sample.name), name });
    }
    return examples;
  })();
  read.catch(() => undefined);
  return read;
}

/** One optimisation step on one batch; returns the loss before the update. */
async function takeStep(
  model: CsrnetModel,
  optimizer: TrainOptimizer,
  compute: TrainCompute,
  config: ResolvedTrainConfig,
  batch: readonly BatchExample[],
  where: string,
  savedStep: number,
): Promise<number> {
  const { loss, grads } = await compute.gradients(model, batch, config.target, where);
  try {
    if (!Number.isFinite(loss)) {
      const kept = savedStep < 0 ? 'no checkpoint had been written yet' : `the last checkpoint (step ${savedStep}) is kept`;
      throw new TrainError('NON_FINITE', `${where}: the loss is ${loss} on ${batch.map((e) => e.name).join(', ')}; stopped before updating the weights, ${kept}`);
    }
    optimizer.step(grads);
    return loss;
  } finally {
    tf.dispose([...grads.values()]);
  }
}

/** Refuses to checkpoint weights that overflowed: the previous checkpoint stays the last good one. */
async function assertFiniteWeights(model: CsrnetModel, step: number): Promise<void> {
  for (const [name, variable] of model.parameters) {
    const finite = tf.tidy(() => tf.all(tf.isFinite(variable)));
    const ok = (await finite.data())[0] === 1;
    finite.dispose();
    if (!ok) throw new TrainError('NON_FINITE', `after step ${step}: ${name} holds NaN or infinite values (lower the learning rate); the checkpoint was not written`);
  }
}
