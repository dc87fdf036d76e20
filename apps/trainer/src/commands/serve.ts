import { Command, InvalidArgumentError, Option } from 'commander';
import type { CsrnetVariant } from '@crowd/csrnet';
import { createCountServer, HTTP_FRONT_DEFAULTS, openCountQueue, redactUrl } from '@crowd/queue';
import type { CliIo } from '../cli-io.js';
import { checkTileFlags, tileOptions, variantOption } from '../count/model-options.js';
import { connectTimeoutOption, mebibytes, queueNameOption, redisOption } from './queue.js';
import { firstSignal } from './worker.js';

interface ServeFlags {
  redis: string;
  queue: string;
  connectTimeout: number;
  port: number;
  host: string;
  weights?: string;
  variant?: CsrnetVariant;
  maxSide?: number;
  points?: boolean;
  tile?: number;
  tileMargin: number;
  bodyLimit: number;
  timeout: number;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port must be 0 to 65535 (0: any free port), got "${value}".`);
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError(`--timeout must be a positive number of seconds, got "${value}".`);
  return n;
}

export function serveCommand(io: CliIo): Command {
  const command = new Command('serve')
    .description(
      'An HTTP front to the queue: POST /count with an image body (Content-Type image/jpeg, image/png or image/webp) answers with its record as JSON (as crowd count --json), ' +
        'counted by the crowd worker processes on the same Redis; GET /health. Errors are JSON { "error": { "code", "message" } }: 400 not a usable picture, ' +
        '413 over --body-limit, 504 no worker finished in --timeout.',
    )
    .addOption(redisOption())
    .addOption(queueNameOption())
    .addOption(connectTimeoutOption())
    .requiredOption('--port <port>', 'TCP port (0: any free port; the line on stderr says which)', port)
    .option('--host <address>', 'address to listen on (0.0.0.0: every interface)', '127.0.0.1')
    .option('--weights <path|id>', "the model, as a path every worker can read or a registry id (default: the workers' own --weights)")
    .addOption(variantOption())
    .addOption(new Option('--max-side <px>', "shrink photos whose longest side is larger to this many pixels (0: full size; default: the model's preprocessing)").argParser((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`--max-side must be a whole number of pixels ≥ 0, got "${v}".`);
      return n;
    }))
    .option('--points', 'place one point per person the density predicts (image pixels), in the answer')
    .addOption(new Option('--body-limit <MiB>', 'largest image accepted (413 beyond)').argParser(mebibytes('--body-limit')).default(HTTP_FRONT_DEFAULTS.bodyLimitBytes, '10'))
    .addOption(new Option('--timeout <s>', 'how long a request waits for a worker (504 beyond; the image stays queued)').argParser(seconds).default(HTTP_FRONT_DEFAULTS.timeoutMs / 1000));
  for (const option of tileOptions()) command.addOption(option);
  return command.action(async (flags: ServeFlags) => {
    checkTileFlags(command, flags.tile, flags.tileMargin);
    const queue = await openCountQueue({ redis: flags.redis, queue: flags.queue, connectTimeoutMs: flags.connectTimeout, role: 'worker', onStatus: (line) => io.stderr.write(`crowd serve: ${line}\n`) });
    try {
      const server = await createCountServer({
        queue,
        weights: flags.weights,
        ...(flags.variant === undefined ? {} : { variant: flags.variant }),
        count: { ...(flags.maxSide === undefined ? {} : { maxSide: flags.maxSide }), points: Boolean(flags.points), tile: flags.tile, tileMargin: flags.tileMargin },
        bodyLimitBytes: flags.bodyLimit,
        timeoutMs: Math.round(flags.timeout * 1000),
      });
      const address = await server.app.listen({ port: flags.port, host: flags.host });
      io.stderr.write(`crowd serve: listening on ${address} (queue ${flags.queue} at ${redactUrl(flags.redis)})\n`);
      const signal = await firstSignal();
      io.stderr.write(`crowd serve: ${signal}: answering the requests in hand, then stopping\n`);
      await server.close();
    } finally {
      await queue.close();
    }
  });
}
