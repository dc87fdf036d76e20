import { Command, InvalidArgumentError, Option } from 'commander';
import type { CsrnetVariant } from '@crowd/csrnet';
import type { EngineChoice } from '@crowd/count/node';
import { redactUrl, startCountWorker, WORKER_DEFAULTS } from '@crowd/queue';
import { backendOption, type BackendFlag } from '../backend-option.js';
import type { CliIo } from '../cli-io.js';
import { variantOption } from '../count/model-options.js';
import { engineLine, engineOption } from '../engine-option.js';
import { downloadReporting } from './models.js';
import { connectTimeoutOption, positiveInteger, queueNameOption, redisOption } from './queue.js';

interface WorkerFlags {
  redis: string;
  queue: string;
  connectTimeout: number;
  concurrency: number;
  weights?: string;
  offline?: boolean;
  variant?: CsrnetVariant;
  engine: EngineChoice;
  backend: BackendFlag;
  threads?: number;
  results?: string;
  lockDuration: number;
  stalledInterval: number;
  maxStalledCount: number;
  rateLimit?: { max: number; durationMs: number };
  name?: string;
}

/** `--rate-limit 10/1`: at most 10 jobs per 1 s over every worker of the queue. */
function rateLimit(value: string): { max: number; durationMs: number } {
  const match = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(value);
  const max = Number(match?.[1]);
  const seconds = Number(match?.[2]);
  if (match === null || !(max > 0) || !(seconds > 0)) throw new InvalidArgumentError(`--rate-limit must be <jobs>/<seconds>, such as 10/1, got "${value}".`);
  return { max, durationMs: Math.round(seconds * 1000) };
}

export function workerCommand(io: CliIo): Command {
  return new Command('worker')
    .description(
      'Count queued images until stopped: start one per machine (or more), all pointing at one Redis. Loads each model once, stores one record per image in Redis ' +
        '(and appends it to --results). SIGTERM or Ctrl-C finishes the images in hand, takes no new ones and exits 0; a worker killed outright loses nothing: ' +
        'its images are counted by another worker once their locks expire.',
    )
    .addOption(redisOption())
    .addOption(queueNameOption())
    .addOption(connectTimeoutOption())
    .addOption(new Option('--concurrency <n>', 'images counted at once by this process (onnxruntime already uses every core for one)').argParser(positiveInteger('--concurrency')).default(WORKER_DEFAULTS.concurrency))
    .option('--weights <path|id>', 'the model for images queued without --weights, as crowd count --weights takes it (default: crowd count\'s default model)')
    .option('--offline', 'never download: a registry model must already be cached on this machine')
    .addOption(variantOption())
    .addOption(engineOption())
    .addOption(backendOption())
    .addOption(new Option('--threads <n>', 'onnxruntime threads per model (default: every core)').argParser(positiveInteger('--threads')))
    .option('--results <file>', 'also append each record this worker makes to this JSON-lines file ({"id": job id, then crowd count --json\'s fields}), exactly once per image')
    .addOption(
      new Option('--lock-duration <ms>', 'how long a job stays locked to this worker without renewal (renewed every half of it); a killed worker\'s jobs return after about this long')
        .argParser(positiveInteger('--lock-duration'))
        .default(WORKER_DEFAULTS.lockDurationMs),
    )
    .addOption(new Option('--stalled-interval <ms>', 'how often this worker looks for jobs whose worker died').argParser(positiveInteger('--stalled-interval')).default(WORKER_DEFAULTS.stalledIntervalMs))
    .addOption(
      new Option('--max-stalled-count <n>', 'how many times a job may lose its worker before it is failed (an image that kills workers)')
        .argParser(positiveInteger('--max-stalled-count'))
        .default(WORKER_DEFAULTS.maxStalledCount),
    )
    .addOption(new Option('--rate-limit <jobs/seconds>', 'at most this many jobs per period over all workers of the queue, e.g. 10/1').argParser(rateLimit))
    .option('--name <name>', 'names this worker on its jobs (default: host:pid)')
    .action(async (flags: WorkerFlags) => {
      const log = (line: string) => io.stderr.write(`crowd worker: ${line}\n`);
      const worker = await startCountWorker({
        redis: flags.redis,
        queue: flags.queue,
        connectTimeoutMs: flags.connectTimeout,
        concurrency: flags.concurrency,
        weights: flags.weights,
        download: downloadReporting(io, 'worker', Boolean(flags.offline)),
        ...(flags.variant === undefined ? {} : { variant: flags.variant }),
        engine: flags.engine,
        backend: flags.backend,
        ...(flags.threads === undefined ? {} : { threads: flags.threads }),
        ...(flags.results === undefined ? {} : { results: flags.results }),
        lockDurationMs: flags.lockDuration,
        stalledIntervalMs: flags.stalledInterval,
        maxStalledCount: flags.maxStalledCount,
        ...(flags.rateLimit === undefined ? {} : { limiter: flags.rateLimit }),
        ...(flags.name === undefined ? {} : { name: flags.name }),
        log,
      });
      if (worker.engine !== undefined) io.stderr.write(engineLine('worker', worker.engine.name, worker.engine.tried));
      log(`${worker.name} takes jobs from queue ${flags.queue} at ${redactUrl(flags.redis)} (concurrency ${flags.concurrency})`);
      const signal = await firstSignal();
      // A second signal, with no handler left, ends the process at once: its jobs are recovered as stalled.
      log(`${signal}: finishing the images in hand, taking no new ones`);
      await worker.close();
      log('stopped');
    });
}

/** Resolves with the first SIGTERM or SIGINT, then stops listening for both. */
export function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const got = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', got);
      process.off('SIGINT', got);
      resolve(signal);
    };
    process.on('SIGTERM', got);
    process.on('SIGINT', got);
  });
}
