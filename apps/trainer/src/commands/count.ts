import { Command, InvalidArgumentError, Option } from 'commander';
import type { CsrnetVariant } from '@crowd/csrnet';
import { DEFAULT_MODEL_ID, formatRecord, headerLine, type OutputFormat, type RecordFields } from '@crowd/count';
import type { EngineChoice, HeatmapFormat } from '@crowd/count/node';
import { COLOUR_MAP_NAMES, type ColourMapName } from '@crowd/heatmap';
import { backendOption, type BackendFlag } from '../backend-option.js';
import type { CliIo } from '../cli-io.js';
import { collectImages } from '../count/collect-images.js';
import { errorLine } from '../count/error-line.js';
import { checkTileFlags, tileOptions, variantOption } from '../count/model-options.js';
import { engineLine, engineOption } from '../engine-option.js';
import { downloadReporting } from './models.js';

interface CountFlags {
  weights?: string;
  offline?: boolean;
  maxSide?: number;
  variant?: CsrnetVariant;
  engine: EngineChoice;
  backend: BackendFlag;
  json?: boolean;
  csv?: boolean;
  points?: boolean;
  heatmap?: string;
  heatmapFormat: HeatmapFormat;
  colourMap: ColourMapName;
  saveDensity?: string;
  tile?: number;
  tileMargin: number;
}

export function countCommand(io: CliIo): Command {
  const command = new Command('count')
    .description('Count the people in photos (JPEG, PNG, WebP; folders are walked recursively). Prints one line per image as it is counted.')
    .argument('<images...>', 'image files and folders')
    .option(
      '--weights <path|id>',
      `the model: a registry id (crowd models list; downloaded into the cache on first use), a tfjs model folder or model.json, a PyTorch .pth/.pth.tar (CSRNet-pytorch or LWCC), or an .onnx from crowd export (default: ${DEFAULT_MODEL_ID}, CSRNet trained on ShanghaiTech Part A, LWCC's weights)`,
    )
    .option('--offline', 'never download: a registry model must already be cached')
    .addOption(
      new Option('--max-side <px>', "shrink photos whose longest side is larger to this many pixels before counting (0: full size; default: the registry model's preprocessing, e.g. 1000 for LWCC's, else full size)").argParser(
        nonNegativeInteger('--max-side'),
      ),
    )
    .addOption(variantOption())
    .addOption(engineOption())
    .addOption(backendOption())
    .addOption(new Option('--json', 'JSON lines: image, count, width, height, scale, tiles (+ points, heatmap, density, warnings)').conflicts('csv'))
    .addOption(new Option('--csv', 'CSV with a header line'))
    .option('--points', 'place one point per person the density predicts (image pixels): in JSON, their number in CSV, drawn on heatmaps')
    .option('--heatmap <dir>', 'write <name>.heatmap.png: the photo with the density overlaid, a colour bar and the count')
    .addOption(new Option('--heatmap-format <format>', 'heatmap file type').choices(['png', 'jpg']).default('png'))
    .addOption(new Option('--colour-map <name>', 'heatmap colours').choices([...COLOUR_MAP_NAMES]).default('turbo'))
    .option('--save-density <dir>', 'write <name>.h5: the predicted 1/8 density (HDF5 dataset "density", float32)');
  for (const option of tileOptions()) command.addOption(option);
  return command.action(async (images: string[], flags: CountFlags) => {
    checkTileFlags(command, flags.tile, flags.tileMargin);
    // Loaded once the arguments parse: `crowd count --help` should not pay for tfjs, sharp and onnxruntime.
    const { countFile, createCounter, resolveWeights } = await import('@crowd/count/node');
    const weights = await resolveWeights(flags.weights, downloadReporting(io, 'count', Boolean(flags.offline)));
    if (weights.model !== undefined) io.stderr.write(`crowd count: model ${weights.model.id} (${weights.model.title}): ${weights.path}\n`);
    const maxSide = flags.maxSide ?? weights.model?.preprocessing.maxSide;
    const counter = await createCounter({
      weights: weights.path,
      engine: flags.engine,
      backend: flags.backend,
      ...(flags.variant === undefined && weights.model === undefined ? {} : { variant: flags.variant ?? weights.model?.architecture.variant }),
    });
    io.stderr.write(engineLine('count', counter.engine, counter.tried));
    const format: OutputFormat = flags.json ? 'json' : flags.csv ? 'csv' : 'text';
    const fields: RecordFields = { points: Boolean(flags.points), heatmap: flags.heatmap !== undefined, density: flags.saveDensity !== undefined };
    const header = headerLine(format, fields);
    if (header !== undefined) io.stdout.write(`${header}\n`);
    let counted = 0;
    let failed = 0;
    try {
      for await (const entry of collectImages(images)) {
        if ('error' in entry) {
          failed++;
          io.stderr.write(`crowd count: ${errorLine(entry.error, entry.path)}\n`);
          continue;
        }
        try {
          const record = await countFile(counter, entry.path, entry.name, {
            tile: flags.tile,
            tileMargin: flags.tileMargin,
            maxSide,
            points: fields.points,
            heatmap: flags.heatmap === undefined ? undefined : { dir: flags.heatmap, format: flags.heatmapFormat, colourMap: flags.colourMap },
            densityDir: flags.saveDensity,
          });
          counted++;
          io.stdout.write(`${formatRecord(record, format, fields)}\n`);
          for (const warning of record.warnings ?? []) io.stderr.write(`crowd count: warning: ${errorLine(warning.message, entry.path)}\n`);
        } catch (error) {
          failed++;
          io.stderr.write(`crowd count: ${errorLine(error, entry.path)}\n`);
        }
      }
    } finally {
      await counter.dispose();
    }
    if (counted + failed === 0) {
      io.stderr.write(`crowd count: no JPEG, PNG or WebP images in ${images.join(', ')}\n`);
      process.exitCode = 1;
    } else if (failed > 0) {
      io.stderr.write(`crowd count: ${failed} of ${counted + failed} images failed\n`);
      process.exitCode = 1;
    }
  });
}

function nonNegativeInteger(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number of pixels ≥ 0, got "${value}".`);
    return n;
  };
}
