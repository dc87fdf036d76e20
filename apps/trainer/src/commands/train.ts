import { availableParallelism } from 'node:os';
import { relative, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CsrnetVariant } from '@crowd/csrnet';
import type { CropMode, TrainConfig } from '@crowd/train';
import { backendOption, useBackend, type BackendFlag } from '../backend-option.js';
import type { CliIo } from '../cli-io.js';
import { maxPixelsOption } from '../max-pixels-option.js';
import { createProgress, type Progress } from '../progress.js';
import { configLine, epochLine, formatNumber } from '../train/format.js';

function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got "${value}".`);
    return n;
  };
}

function nonNegativeNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number ≥ 0, got "${value}".`);
    return n;
  };
}

function integer(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got "${value}".`);
    return n;
  };
}

function cropMode(value: string): CropMode {
  if (value === 'full' || value === 'nine-patch') return value;
  const match = /^(\d+)x(\d+)$/.exec(value);
  if (match === null || Number(match[1]) < 8 || Number(match[2]) < 8) {
    throw new InvalidArgumentError(`--crop must be full, nine-patch or <H>x<W> with sides ≥ 8 (e.g. 256x256), got "${value}".`);
  }
  return { height: Number(match[1]), width: Number(match[2]) };
}

interface TrainFlags {
  out: string;
  val?: string;
  preset?: 'reference' | 'paper';
  optimizer?: 'sgd' | 'adam';
  lr?: number;
  momentum?: number;
  weightDecay?: number;
  epochs?: number;
  seed?: number;
  shuffle: boolean;
  augment: boolean;
  crop?: CropMode;
  batch?: number;
  repeat?: number;
  target?: 'sum' | 'bicubic';
  referenceEval?: boolean;
  widthDivisor?: number;
  variant?: CsrnetVariant;
  resume?: boolean;
  init?: string;
  initOptimizer?: boolean;
  initFrontend?: string;
  initScheme: 'reference' | 'he';
  maxSteps?: number;
  checkpointEvery?: number;
  workers?: number;
  backend: BackendFlag;
  maxPixels?: number;
  json?: boolean;
}

/** Worker threads pay off on the backends that compute on the CPU; a GPU backend gains nothing from them. */
const defaultWorkers = (backend: string): number => (backend === 'wasm' || backend === 'cpu' ? availableParallelism() : 1);

/** `2 workers`, and what a batch smaller than the worker count leaves idle. */
function workersText(workers: number, batch: number): string {
  const text = `${workers} worker${workers === 1 ? '' : 's'}`;
  return batch < workers ? `${text} (batch ${batch} keeps ${batch === 1 ? 'one' : batch} busy per step; validation uses all)` : text;
}

export function trainCommand(io: CliIo): Command {
  return new Command('train')
    .description(
      'Train CSRNet on prepared density maps (run `crowd prepare` first): checkpoints every epoch, the best model by validation MAE, a JSON-lines log and a loss/MAE curve.',
    )
    .argument('<dataset>', 'dataset root or part folder (its train split is used), a split folder, or a JSON list of training images')
    .requiredOption('--out <dir>', 'output folder: checkpoint/, best/, log.jsonl, curve.png')
    .option('--val <dataset>', "validation images (default: the dataset's val split, else its test split)")
    .addOption(new Option('--preset <name>', 'reference: train.py as it runs; paper: lr 1e-6, nine patches, mirroring (default)').choices(['reference', 'paper']))
    .addOption(new Option('--optimizer <name>', 'optimizer (default sgd)').choices(['sgd', 'adam']))
    .option('--lr <rate>', 'learning rate (default 1e-6 paper, 1e-7 reference)', positiveNumber('--lr'))
    .option('--momentum <m>', 'SGD momentum (default 0.95)', nonNegativeNumber('--momentum'))
    .option('--weight-decay <wd>', 'L2 weight decay on every parameter (default 5e-4)', nonNegativeNumber('--weight-decay'))
    .option('--epochs <n>', 'epochs (default 400)', integer('--epochs', 1))
    .option('--seed <n>', 'seed of the shuffling, crops, mirroring and the model init (default 0)', integer('--seed', 0))
    .option('--no-shuffle', 'keep the list order')
    .option('--no-augment', 'no mirroring, and full images unless --crop is given')
    .option('--crop <mode>', 'full, nine-patch, or a fixed <H>x<W> random crop', cropMode)
    .option('--batch <n>', "examples per step, their losses and gradients summed; a step's examples are split over the workers (default 1)", integer('--batch', 1))
    .option('--repeat <n>', 'passes over the list per epoch (default 1 paper, 4 reference)', integer('--repeat', 1))
    .addOption(new Option('--target <method>', '1/8 targets: sum (count-exact) or bicubic (the reference)').choices(['sum', 'bicubic']))
    .option('--reference-eval', "validate against the sum of the reference's bicubic target, as train.py does")
    .option('--width-divisor <n>', 'divide every channel count (small models; default 1)', integer('--width-divisor', 1))
    .addOption(new Option('--variant <v>', 'back-end dilations (default B)').choices(['A', 'B', 'C', 'D']))
    .option('--resume', "continue the checkpoint in --out (a fresh run if there is none yet)")
    .option('--init <weights>', 'start from a PyTorch checkpoint (.pth.tar) or a tfjs model, with a fresh optimizer')
    .option('--init-optimizer', "with --init <.pth.tar>: also load its SGD momentum buffers, as train.py --pre does")
    .option('--init-frontend <vgg16>', 'ImageNet VGG-16 front end: torchvision vgg16-397923af.pth or Keras vgg16 …notop.h5')
    .addOption(
      new Option('--init-scheme <scheme>', 'random init of a fresh model: reference = N(0, 0.01) as model.py; he = He-normal, which learns from scratch without VGG weights')
        .choices(['reference', 'he'])
        .default('reference'),
    )
    .option('--max-steps <n>', 'stop after n optimisation steps in all (counting those before a --resume)', integer('--max-steps', 1))
    .option('--checkpoint-every <steps>', 'also checkpoint every n steps within an epoch (default 0: epoch ends only)', integer('--checkpoint-every', 0))
    .option('--workers <n>', 'worker threads, each with a model replica; the numbers do not depend on it (default: all cores on wasm and cpu, 1 on a GPU backend)', integer('--workers', 1))
    .addOption(backendOption())
    .addOption(maxPixelsOption())
    .option('--json', 'print JSON lines on stdout (every step and epoch record, then a summary) instead of text')
    .action(async (dataset: string, flags: TrainFlags, command: Command) => {
      const given = (name: string) => command.getOptionValueSource(name) === 'cli';
      // Loaded once the arguments parse: `crowd train --help` should not pay for tfjs, sharp and h5wasm.
      const [{ trainOnDisk, trainOutputs }, { trainSamples }] = await Promise.all([import('@crowd/train/node'), import('../train/train-samples.js')]);
      const backend = await useBackend(flags.backend);
      const workers = flags.workers ?? defaultWorkers(backend);
      const samples = await trainSamples(dataset, flags.val);
      const out = resolve(flags.out);
      const config: TrainConfig = {
        preset: flags.preset,
        optimizer: flags.optimizer,
        lr: flags.lr,
        momentum: flags.momentum,
        weightDecay: flags.weightDecay,
        epochs: flags.epochs,
        seed: flags.seed,
        batch: flags.batch,
        repeat: flags.repeat,
        target: flags.target,
        // A limit for this invocation: a resumed run without --max-steps runs to the end.
        maxSteps: flags.maxSteps ?? null,
        checkpointEvery: flags.checkpointEvery,
        ...(flags.referenceEval ? { referenceEval: true } : {}),
        ...(given('shuffle') ? { shuffle: false } : {}),
        ...(given('augment') ? { mirror: false, crop: 'full' as const } : {}),
        ...(flags.crop === undefined ? {} : { crop: flags.crop }),
      };
      const write = (line: string) => io.stdout.write(`${line}\n`);
      const json = (value: object) => write(JSON.stringify(value));
      let progress: Progress | undefined;
      try {
        const result = await trainOnDisk({
          train: samples.train,
          val: samples.val,
          out,
          config,
          resume: flags.resume,
          model: { variant: flags.variant, widthDivisor: flags.widthDivisor, seed: flags.seed, init: flags.init, initOptimizer: flags.initOptimizer, initFrontend: flags.initFrontend, initScheme: flags.initScheme },
          prepareRoot: { train: dataset, val: flags.val ?? dataset },
          workers,
          maxPixels: flags.maxPixels,
          callbacks: {
            onStart(info) {
              const { widthDivisor, variant } = info.model.config;
              if (flags.json) {
                json({ type: 'start', backend, workers, resumed: info.resumed, epoch: info.epoch, step: info.step, trainImages: info.trainImages, valImages: info.valImages, valSource: samples.valSource, model: { variant, widthDivisor }, config: info.config, out });
                return;
              }
              const from = info.resumed ? `resuming ${relative(process.cwd(), trainOutputs(out).checkpoint) || '.'} at epoch ${info.epoch + 1}, step ${info.step}` : 'starting';
              write(
                `${from}: ${info.trainImages} training images, ${info.valImages} validation (${samples.valSource}), CSRNet ${variant}${widthDivisor === 1 ? '' : ` ÷${widthDivisor}`} on ${backend}, ${workersText(workers, info.config.batch)}`,
              );
              write(configLine(info.config));
            },
            onEpochStart({ epoch, epochs, batches, done }) {
              if (flags.json) return;
              progress = createProgress(io.stderr, io.stdout, `epoch ${epoch}/${epochs}`, { fields: 'loss {loss}  {ips} img/s' });
              progress.start(batches, { value: done, payload: { loss: '-', ips: '-' } });
            },
            onStep(record) {
              if (flags.json) json(record);
              else progress?.tick(undefined, { loss: formatNumber(record.loss), ips: formatNumber(record.imagesPerSecond) });
            },
            onEpochEnd(record) {
              progress?.stop();
              progress = undefined;
              if (flags.json) json(record);
              else write(epochLine(record));
            },
          },
        });
        result.model.dispose();
        const { state, outputs } = result;
        if (flags.json) {
          json({ type: 'done', stopped: result.stopped, epoch: state.epoch, step: state.step, best: state.best, outputs });
          return;
        }
        progress?.stop();
        if (result.stopped === 'max-steps') write(`stopped at --max-steps ${state.config.maxSteps} (epoch ${state.epoch + (state.stepInEpoch > 0 ? 1 : 0)}, step ${state.step})`);
        write(`checkpoint  ${outputs.checkpoint}  (epoch ${state.epoch}${state.stepInEpoch > 0 ? ` + ${state.stepInEpoch} steps` : ''}, step ${state.step}; --resume continues it)`);
        write(`best model  ${outputs.best}${state.best === null ? '  (no epoch finished yet)' : `  (val MAE ${formatNumber(state.best.mae)} @ epoch ${state.best.epoch})`}`);
        write(`log         ${outputs.log}`);
        write(`curve       ${outputs.curve}`);
      } finally {
        progress?.stop();
      }
    });
}
