import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { findModel, MODEL_REGISTRY, type ModelEntry } from '@crowd/count';
import type { CachedModelState, DownloadProgress, EnsureModelOptions } from '@crowd/count/node';
import type { CliIo } from '../cli-io.js';

const MB = 1024 * 1024;
const megabytes = (bytes: number) => (bytes / MB).toFixed(1);

/**
 * How a command that may download a model reports it on stderr: a
 * cli-progress bar on a terminal; elsewhere one line when the download
 * starts. A corrupt cached file is reported before it is fetched again.
 */
export function downloadReporting(io: CliIo, command: string, offline: boolean): EnsureModelOptions {
  let bar: SingleBar | undefined;
  let started = false;
  return {
    offline,
    onWarning: (message) => io.stderr.write(`crowd ${command}: warning: ${message}\n`),
    onProgress: (p: DownloadProgress) => {
      if (!started) {
        started = true;
        const size = p.total === undefined ? '' : ` (${megabytes(p.total)} MB${p.received > 0 ? `, resuming at ${megabytes(p.received)} MB` : ''})`;
        if (!io.stderr.isTTY) {
          io.stderr.write(`crowd ${command}: downloading ${p.url}${size}\n`);
          return;
        }
        bar = new SingleBar({ format: `download [{bar}] {percentage}% {done}/{size} MB  eta {eta_formatted}`, stream: io.stderr, hideCursor: true });
        bar.start(p.total ?? 0, p.received, { done: megabytes(p.received), size: p.total === undefined ? '?' : megabytes(p.total) });
      }
      bar?.update(p.received, { done: megabytes(p.received) });
      if (p.total !== undefined && p.received >= p.total) bar?.stop();
    },
  };
}

/** One line saying where a cached model is and what state it is in. */
function stateText(entry: ModelEntry, state: CachedModelState): string {
  switch (state.state) {
    case 'verified':
      return `cached, verified (${megabytes(state.bytes)} MB, sha256 ${state.sha256})`;
    case 'corrupt':
      return `cached but corrupt (${state.reason}): crowd models pull ${entry.id} downloads it again`;
    case 'missing': {
      const partial = state.partialBytes === undefined ? '' : ` (${megabytes(state.partialBytes)} MB of an interrupted download, to be resumed)`;
      const how = entry.source.kind === 'manual' ? `download ${entry.source.page} by hand and save it here` : `crowd models pull ${entry.id} or the first crowd count downloads it`;
      return `not downloaded${partial}: ${how}`;
    }
  }
}

export function modelsCommand(io: CliIo): Command {
  const models = new Command('models').description(
    `Pretrained models: list them, download one into the cache ($CROWD_CACHE_DIR, else the user cache folder), or say where one is. $CROWD_MODELS_MIRROR replaces the download URLs with <mirror>/<file>.`,
  );

  models
    .command('list')
    .description('The models crowd knows, with where they come from and whether they are cached')
    .option('--json', 'one JSON array: every registry entry with its cache path and state')
    .action(async (flags: { json?: boolean }) => {
      const { cachedModelPath, checkCachedModel } = await import('@crowd/count/node');
      const rows = await Promise.all(MODEL_REGISTRY.map(async (entry) => ({ entry, state: await checkCachedModel(entry, cachedModelPath(entry)) })));
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(rows.map(({ entry, state }) => ({ ...entry, path: state.path, cached: state.state })))}\n`);
        return;
      }
      const table = [
        ['id', 'trained on', 'reported MAE', 'source', 'cached'],
        ...rows.map(({ entry, state }) => [
          entry.id,
          entry.trainedOn,
          entry.reported === undefined ? '' : String(entry.reported.mae),
          entry.source.kind === 'download' ? 'download' : 'by hand (Google Drive)',
          state.state === 'verified' ? 'yes' : state.state === 'corrupt' ? 'corrupt' : 'no',
        ]),
      ];
      const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
      for (const row of table) io.stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()}\n`);
    });

  models
    .command('pull')
    .description('Download a model into the cache (a progress bar on a terminal) unless it is there and verified; prints its path')
    .argument('<id>', 'a registry id (crowd models list)')
    .action(async (id: string) => {
      const { ensureModel } = await import('@crowd/count/node');
      const ensured = await ensureModel(findModel(id), downloadReporting(io, 'models pull', false));
      if (ensured.status === 'cached') io.stderr.write(`crowd models pull: ${id} is cached and verified\n`);
      io.stdout.write(`${ensured.path}\n`);
    });

  models
    .command('path')
    .description('Print where a model is cached (or would be: save a hand-fetched model there), and on stderr whether it is there and verified')
    .argument('<id>', 'a registry id (crowd models list)')
    .option('--json', 'one JSON object: id, path, state (verified, corrupt, missing) and its details')
    .action(async (id: string, flags: { json?: boolean }) => {
      const entry = findModel(id);
      const { cachedModelPath, checkCachedModel } = await import('@crowd/count/node');
      const state = await checkCachedModel(entry, cachedModelPath(entry));
      if (flags.json) {
        io.stdout.write(`${JSON.stringify({ id, ...state })}\n`);
      } else {
        io.stdout.write(`${state.path}\n`);
        io.stderr.write(`crowd models path: ${id}: ${stateText(entry, state)}\n`);
      }
      if (state.state === 'corrupt') process.exitCode = 1;
    });
  return models;
}
