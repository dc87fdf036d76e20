import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CsrnetVariant } from '@crowd/csrnet';
import { formatRecord, headerLine, type OutputFormat, type RecordFields } from '@crowd/count';
import type { HeatmapFormat } from '@crowd/count/node';
import { COLOUR_MAP_NAMES, type ColourMapName } from '@crowd/heatmap';
import {
  batchStart,
  ENQUEUE_DEFAULTS,
  enqueueImages,
  openCountQueue,
  pendingJobs,
  QUEUE_DEFAULTS,
  queueStatus,
  readResults,
  recordFromJson,
  redactUrl,
  REDIS_CONNECT_DEFAULTS,
  watchBatch,
  watchQueue,
  type CountQueue,
  type EnqueueItem,
  type FailedJob,
  type QueueStatus,
} from '@crowd/queue';
import type { CliIo } from '../cli-io.js';
import { collectImages } from '../count/collect-images.js';
import { errorLine } from '../count/error-line.js';
import { checkTileFlags, tileOptions, variantOption } from '../count/model-options.js';
import { createProgress } from '../progress.js';

/** `--redis`, for every command that talks to the queue; `CROWD_REDIS` saves typing it on each host. */
export function redisOption(): Option {
  return new Option('--redis <url>', 'the Redis server every host shares, redis://[user:password@]host:port[/db]').env('CROWD_REDIS').makeOptionMandatory();
}

/** `--connect-timeout`: how long to keep trying to reach Redis at start, then a clear error naming the URL. */
export function connectTimeoutOption(): Option {
  return new Option('--connect-timeout <s>', 'give up reaching Redis at start after this many seconds')
    .argParser((value: string) => {
      const n = Number(value);
      if (!(n > 0)) throw new InvalidArgumentError(`--connect-timeout must be a positive number of seconds, got "${value}".`);
      return Math.round(n * 1000);
    })
    .default(REDIS_CONNECT_DEFAULTS.connectTimeoutMs, String(REDIS_CONNECT_DEFAULTS.connectTimeoutMs / 1000));
}

export function queueNameOption(): Option {
  return new Option('--queue <name>', 'queue name (one Redis can hold several)').default(QUEUE_DEFAULTS.name);
}

export function positiveInteger(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a whole number ≥ 1, got "${value}".`);
    return n;
  };
}

function nonNegativeInteger(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number ≥ 0, got "${value}".`);
    return n;
  };
}

export function mebibytes(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n > 0)) throw new InvalidArgumentError(`${name} must be a positive number of MiB, got "${value}".`);
    return Math.round(n * 1024 * 1024);
  };
}

/** Lines of a list file (`.txt`, `.list`, or `-` for stdin): one path per line, relative to the list's folder; blank lines and `#` comments skipped. */
const LIST_EXTENSIONS = new Set(['.txt', '.list', '.lst']);

async function* listedPaths(arg: string): AsyncGenerator<string> {
  const text = arg === '-' ? await readStdin() : await readFile(arg, 'utf8');
  const base = arg === '-' ? process.cwd() : dirname(arg);
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    yield arg === '-' ? line : resolve(base, line);
  }
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

async function isList(arg: string): Promise<boolean> {
  if (arg === '-') return true;
  if (!LIST_EXTENSIONS.has(extname(arg).toLowerCase())) return false;
  return (await stat(arg).catch(() => undefined))?.isFile() ?? false;
}

/** The images named by files, folders (walked as `crowd count` walks them) and lists of those. */
async function* imageEntries(args: readonly string[]) {
  for (const arg of args) {
    if (await isList(arg)) {
      const paths: string[] = [];
      for await (const path of listedPaths(arg)) paths.push(path);
      yield* collectImages(paths);
    } else {
      yield* collectImages([arg]);
    }
  }
}

interface AddFlags {
  redis: string;
  queue: string;
  connectTimeout: number;
  weights?: string;
  variant?: CsrnetVariant;
  maxSide?: number;
  points?: boolean;
  heatmap?: string;
  heatmapFormat: HeatmapFormat;
  colourMap: ColourMapName;
  saveDensity?: string;
  tile?: number;
  tileMargin: number;
  embed?: boolean;
  embedLimit: number;
  priority: number;
  attempts: number;
  wait?: boolean;
}

function addCommand(io: CliIo): Command {
  const command = new Command('add')
    .description(
      'Queue images for the workers: one job per image, its id made from the image bytes, the model and the options, so an image queued twice is counted once ' +
        '(a failed one is retried). Workers read the images by path (shared storage mounted at the same place on every host) unless --embed.',
    )
    .argument('<images...>', 'image files, folders (walked as crowd count walks them), and lists of paths (.txt: one per line, relative to the list; - reads stdin)')
    .addOption(redisOption())
    .addOption(queueNameOption())
    .addOption(connectTimeoutOption())
    .option('--weights <path|id>', "the model, as a path every worker can read or a registry id (crowd models list); hashed here for the job ids (default: the workers' own --weights)")
    .addOption(variantOption())
    .addOption(new Option('--max-side <px>', "shrink photos whose longest side is larger to this many pixels before counting (0: full size; default: the model's preprocessing)").argParser(nonNegativeInteger('--max-side')))
    .option('--points', 'place one point per person the density predicts (image pixels), as crowd count --points')
    .option('--heatmap <dir>', 'workers write <name>.heatmap.png here (a folder on the shared storage)')
    .addOption(new Option('--heatmap-format <format>', 'heatmap file type').choices(['png', 'jpg']).default('png'))
    .addOption(new Option('--colour-map <name>', 'heatmap colours').choices([...COLOUR_MAP_NAMES]).default('turbo'))
    .option('--save-density <dir>', 'workers write <name>.h5 (the 1/8 density) here (a folder on the shared storage)')
    .option('--embed', 'carry each image in Redis instead of its path, for workers without the shared storage (up to --embed-limit each)')
    .addOption(new Option('--embed-limit <MiB>', 'largest image --embed carries').argParser(mebibytes('--embed-limit')).default(ENQUEUE_DEFAULTS.embedLimitBytes, '10'))
    .addOption(
      new Option('--priority <n>', 'BullMQ priority: 1 is served first, 2097151 last (uploads to crowd serve have none and go before every batch)')
        .argParser(positiveInteger('--priority'))
        .default(ENQUEUE_DEFAULTS.priority),
    )
    .addOption(new Option('--attempts <n>', 'tries per image before it is reported failed (1 s, 2 s, 4 s … apart)').argParser(positiveInteger('--attempts')).default(ENQUEUE_DEFAULTS.attempts))
    .option('--wait', 'then show a progress bar until every image is counted or failed; exit 1 if any failed');
  for (const option of tileOptions()) command.addOption(option);
  return command.action(async (images: string[], flags: AddFlags) => {
    checkTileFlags(command, flags.tile, flags.tileMargin);
    const queue = await openCountQueue({ redis: flags.redis, queue: flags.queue, connectTimeoutMs: flags.connectTimeout });
    try {
      const start = flags.wait ? await batchStart(queue) : undefined;
      let unreadable = 0;
      const items = async function* (): AsyncGenerator<EnqueueItem> {
        for await (const entry of imageEntries(images)) {
          if ('error' in entry) {
            unreadable++;
            io.stderr.write(`crowd queue add: ${errorLine(entry.error, entry.path)}\n`);
          } else {
            yield { path: entry.path, name: entry.name };
          }
        }
      };
      const tally = { added: 0, queued: 0, counted: 0, retried: 0 };
      const ids: string[] = [];
      const outcomes = enqueueImages(queue, items(), {
        weights: flags.weights,
        variant: flags.variant,
        count: {
          ...(flags.maxSide === undefined ? {} : { maxSide: flags.maxSide }),
          points: Boolean(flags.points),
          tile: flags.tile,
          tileMargin: flags.tileMargin,
          heatmap: flags.heatmap === undefined ? undefined : { dir: resolve(flags.heatmap), format: flags.heatmapFormat, colourMap: flags.colourMap },
          densityDir: flags.saveDensity === undefined ? undefined : resolve(flags.saveDensity),
        },
        embed: Boolean(flags.embed),
        embedLimitBytes: flags.embedLimit,
        priority: flags.priority,
        attempts: flags.attempts,
      });
      for await (const outcome of outcomes) {
        if ('error' in outcome) {
          unreadable++;
          io.stderr.write(`crowd queue add: ${errorLine(outcome.error, outcome.image)}\n`);
          continue;
        }
        tally[outcome.status]++;
        ids.push(outcome.id);
      }
      const total = ids.length + unreadable;
      io.stderr.write(
        `crowd queue add: ${total} image${total === 1 ? '' : 's'}: ${tally.added} added, ${tally.queued} already queued, ${tally.counted} already counted, ` +
          `${tally.retried} failed before and retried${unreadable > 0 ? `, ${unreadable} not queued` : ''}\n`,
      );
      if (total === 0) io.stderr.write(`crowd queue add: no JPEG, PNG or WebP images in ${images.join(', ')}\n`);
      if (total === 0 || unreadable > 0) process.exitCode = 1;
      if (start !== undefined && ids.length > 0) await waitForBatch(io, queue, ids, start);
    } finally {
      await queue.close();
    }
  });
}

async function waitForBatch(io: CliIo, queue: CountQueue, ids: string[], start: Awaited<ReturnType<typeof batchStart>>): Promise<void> {
  const progress = createProgress(io.stderr, io.stderr, 'counting', { fields: 'failed {failed}' });
  let shown: number | undefined;
  let last;
  for await (const now of watchBatch(queue, ids, start)) {
    const done = now.counted + now.failed.length;
    if (shown === undefined) {
      progress.start(now.total, { value: done, payload: { failed: now.failed.length } });
      shown = done;
    }
    for (; shown < done; shown++) progress.tick(undefined, { failed: now.failed.length });
    last = now;
  }
  progress.stop();
  if (last === undefined) return;
  io.stderr.write(`crowd queue add: ${last.counted} of ${last.total} counted, ${last.failed.length} failed\n`);
  for (const job of last.failed) io.stderr.write(`crowd queue add: failed: ${failedLine(job)}\n`);
  if (last.failed.length > 0) process.exitCode = 1;
}

const failedLine = (job: FailedJob) => `${job.image}: ${job.reason} (after ${job.attempts} attempt${job.attempts === 1 ? '' : 's'})`;

function statusText(queue: CountQueue, status: QueueStatus): string {
  const rows: [string, number, string][] = [
    ['counted', status.counted, 'records stored'],
    ['waiting', status.waiting, 'not yet taken'],
    ['active', status.active, 'being counted'],
    ['delayed', status.delayed, 'retrying after a back-off'],
    ['failed', status.failed, 'failed after their retries'],
    ['workers', status.workers, 'connected'],
  ];
  const width = Math.max(...rows.map(([, n]) => String(n).length));
  const lines = [`queue ${queue.name} at ${redactUrl(queue.url)}`, ...rows.map(([name, n, what]) => `${name.padEnd(8)}${String(n).padStart(width)}  ${what}`)];
  if (status.failedJobs.length > 0) {
    lines.push(`failed jobs${status.failed > status.failedJobs.length ? ` (newest ${status.failedJobs.length} of ${status.failed})` : ''}:`);
    for (const job of status.failedJobs) lines.push(`  ${failedLine(job)}`);
  }
  return `${lines.join('\n')}\n`;
}

interface StatusFlags {
  redis: string;
  queue: string;
  connectTimeout: number;
  watch?: boolean;
  json?: boolean;
  failed: number;
}

function statusCommand(io: CliIo): Command {
  return new Command('status')
    .description('How many images are counted, waiting, being counted and failed (with the reasons of the newest failures), and how many workers are connected.')
    .addOption(redisOption())
    .addOption(queueNameOption())
    .addOption(connectTimeoutOption())
    .option('--watch', 'show a progress bar until no job is pending, then the status')
    .option('--json', 'one JSON object (with --watch: one per change)')
    .addOption(new Option('--failed <n>', 'list up to this many failed jobs').argParser(nonNegativeInteger('--failed')).default(20))
    .action(async (flags: StatusFlags) => {
      const queue = await openCountQueue({ redis: flags.redis, queue: flags.queue, connectTimeoutMs: flags.connectTimeout });
      try {
        if (!flags.watch) {
          const status = await queueStatus(queue, { failedLimit: flags.failed });
          io.stdout.write(flags.json ? `${JSON.stringify(status)}\n` : statusText(queue, status));
          return;
        }
        let bar: SingleBar | undefined;
        let last: QueueStatus | undefined;
        for await (const status of watchQueue(queue, { failedLimit: flags.failed })) {
          last = status;
          const done = status.counted + status.failed;
          if (flags.json) io.stdout.write(`${JSON.stringify(status)}\n`);
          else if (io.stderr.isTTY) {
            bar ??= new SingleBar({ format: 'counting [{bar}] {value}/{total}  failed {failed}  workers {workers}  eta {eta_formatted}', stream: io.stderr, hideCursor: true });
            if (!bar.isActive) bar.start(done + pendingJobs(status), done, { failed: status.failed, workers: status.workers });
            bar.setTotal(done + pendingJobs(status));
            bar.update(done, { failed: status.failed, workers: status.workers });
          } else {
            io.stderr.write(`crowd queue status: ${done} of ${done + pendingJobs(status)} done (${status.failed} failed), ${status.active} active, ${status.workers} workers\n`);
          }
        }
        bar?.stop();
        if (!flags.json && last !== undefined) io.stdout.write(statusText(queue, last));
      } finally {
        await queue.close();
      }
    });
}

interface ResultsFlags {
  redis: string;
  queue: string;
  connectTimeout: number;
  follow?: boolean;
  json?: boolean;
  csv?: boolean;
}

function resultsCommand(io: CliIo): Command {
  return new Command('results')
    .description('Print the stored records, oldest first, in crowd count\'s formats (text: path<TAB>count; --json; --csv with a header: its optional columns follow the first record).')
    .addOption(redisOption())
    .addOption(queueNameOption())
    .addOption(connectTimeoutOption())
    .option('--follow', 'then keep printing records as workers store them, until interrupted')
    .addOption(new Option('--json', 'JSON lines, as crowd count --json').conflicts('csv'))
    .addOption(new Option('--csv', 'CSV with a header line, as crowd count --csv'))
    .action(async (flags: ResultsFlags) => {
      const queue = await openCountQueue({ redis: flags.redis, queue: flags.queue, connectTimeoutMs: flags.connectTimeout });
      const stop = new AbortController();
      const interrupt = () => stop.abort();
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      try {
        const format: OutputFormat = flags.json ? 'json' : flags.csv ? 'csv' : 'text';
        let fields: RecordFields | undefined;
        for await (const result of readResults(queue, { follow: Boolean(flags.follow), signal: stop.signal })) {
          const record = recordFromJson(result.record);
          if (fields === undefined) {
            fields = { points: record.points !== undefined, heatmap: record.heatmap !== undefined, density: record.density !== undefined };
            const header = headerLine(format, fields);
            if (header !== undefined) io.stdout.write(`${header}\n`);
          }
          io.stdout.write(`${formatRecord(record, format, fields)}\n`);
        }
        if (fields === undefined) {
          const header = headerLine(format, { points: false, heatmap: false, density: false });
          if (header !== undefined) io.stdout.write(`${header}\n`);
        }
      } finally {
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
        await queue.close();
      }
    });
}

/** `crowd queue add | status | results`: the producer's side of counting on many machines. */
export function queueCommand(io: CliIo): Command {
  return new Command('queue')
    .description('Count on many machines: queue images in Redis for crowd worker processes, follow the batch, read the records.')
    .addCommand(addCommand(io))
    .addCommand(statusCommand(io))
    .addCommand(resultsCommand(io));
}
