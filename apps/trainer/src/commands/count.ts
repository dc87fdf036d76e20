import { Command, Option } from 'commander';
import type { CsrnetVariant } from '@crowd/csrnet';
import { backendOption, useBackend, type BackendFlag } from '../backend-option.js';
import type { CliIo } from '../cli-io.js';
import { collectImages } from '../count/collect-images.js';
import { countImage } from '../count/count-image.js';
import { errorLine } from '../count/error-line.js';
import { formatRecord, headerLine, type OutputFormat, type RecordFields } from '../count/count-record.js';
import { loadModel } from '../count/load-model.js';
import { checkTileFlags, tileOptions, variantOption } from '../count/model-options.js';
import { COLOUR_MAP_NAMES, type ColourMapName } from '@crowd/heatmap';
import type { HeatmapFormat } from '../heatmap/render-heatmap.js';

interface CountFlags {
  weights: string;
  variant?: CsrnetVariant;
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
    .requiredOption('--weights <path>', 'the model: a tfjs model folder or model.json, or a PyTorch .pth.tar (CSRNet-pytorch checkpoint)')
    .addOption(variantOption())
    .addOption(backendOption())
    .addOption(new Option('--json', 'JSON lines: image, count, width, height, tiles (+ points, heatmap, density)').conflicts('csv'))
    .addOption(new Option('--csv', 'CSV with a header line'))
    .option('--points', 'estimate head positions (local maxima of the density, image pixels): in JSON, and drawn on heatmaps')
    .option('--heatmap <dir>', 'write <name>.heatmap.png: the photo with the density overlaid, a colour bar and the count')
    .addOption(new Option('--heatmap-format <format>', 'heatmap file type').choices(['png', 'jpg']).default('png'))
    .addOption(new Option('--colour-map <name>', 'heatmap colours').choices([...COLOUR_MAP_NAMES]).default('turbo'))
    .option('--save-density <dir>', 'write <name>.h5: the predicted 1/8 density (HDF5 dataset "density", float32)');
  for (const option of tileOptions()) command.addOption(option);
  return command.action(async (images: string[], flags: CountFlags) => {
    checkTileFlags(command, flags.tile, flags.tileMargin);
    await useBackend(flags.backend);
    const { model } = await loadModel(flags.weights, flags.variant);
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
          io.stderr.write(`crowd count: ${entry.path}: ${entry.error}\n`);
          continue;
        }
        try {
          const record = await countImage(model, entry.path, entry.name, {
            tile: flags.tile,
            margin: flags.tileMargin,
            points: fields.points,
            heatmap: flags.heatmap === undefined ? undefined : { dir: flags.heatmap, format: flags.heatmapFormat, colourMap: flags.colourMap },
            densityDir: flags.saveDensity,
          });
          counted++;
          io.stdout.write(`${formatRecord(record, format, fields)}\n`);
        } catch (error) {
          failed++;
          io.stderr.write(`crowd count: ${errorLine(error, entry.path)}\n`);
        }
      }
    } finally {
      model.dispose();
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
