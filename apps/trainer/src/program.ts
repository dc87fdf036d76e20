import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { convertCommand } from './commands/convert.js';
import { countCommand } from './commands/count.js';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { modelsCommand } from './commands/models.js';
import { prepareCommand } from './commands/prepare.js';
import { queueCommand } from './commands/queue.js';
import { serveCommand } from './commands/serve.js';
import { trainCommand } from './commands/train.js';
import { workerCommand } from './commands/worker.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** The `crowd` command line; every command has `--help`. */
export function createProgram(io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Command {
  return new Command('crowd')
    .description('Crowd counting with CSRNet: prepare ground truth, train, evaluate, count.')
    .version(version)
    .showHelpAfterError()
    .addCommand(prepareCommand(io))
    .addCommand(trainCommand(io))
    .addCommand(countCommand(io))
    .addCommand(evalCommand(io))
    .addCommand(convertCommand(io))
    .addCommand(exportCommand(io))
    .addCommand(modelsCommand(io))
    .addCommand(queueCommand(io))
    .addCommand(workerCommand(io))
    .addCommand(serveCommand(io));
}
