import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { saveCsrnet, type CsrnetVariant } from '@crowd/csrnet';
import { fileSystemHandler, MODEL_JSON, WEIGHTS_BIN, type LoadedCsrnet } from '@crowd/csrnet/node';
import { useBackend } from '../backend-option.js';
import type { CliIo } from '../cli-io.js';
import { loadModel } from '../count/load-model.js';
import { variantOption } from '../count/model-options.js';

interface ConvertFlags {
  variant?: CsrnetVariant;
  json?: boolean;
}

export function convertCommand(io: CliIo): Command {
  return new Command('convert')
    .description(
      'Convert CSRNet weights to the tfjs format the web app loads (model.json + weights.bin): a CSRNet-pytorch checkpoint (.pth/.pth.tar; legacy, GPU-saved or zip format) or a tfjs model.'
    )
    .argument('<in>', 'a PyTorch .pth/.pth.tar checkpoint, or a tfjs model folder or model.json')
    .argument('<out-dir>', 'folder to write model.json and weights.bin to (created if missing; existing files are replaced atomically)')
    .addOption(variantOption())
    .option('--json', 'print one JSON object instead of text')
    .action(async (input: string, outDir: string, flags: ConvertFlags) => {
      // Conversion only copies float32 values, so the plain-JS backend is exact and always there.
      await useBackend('cpu');
      const loaded = await loadModel(input, flags.variant);
      try {
        await saveCsrnet(loaded.model, fileSystemHandler(outDir));
      } finally {
        loaded.model.dispose();
      }
      const files = await Promise.all(
        [MODEL_JSON, WEIGHTS_BIN].map(async (name) => ({ path: join(outDir, name), bytes: (await stat(join(outDir, name))).size }))
      );
      const summary = describeConversion(input, loaded, files);
      io.stdout.write(`${flags.json ? JSON.stringify(summary) : conversionText(summary)}\n`);
    });
}

interface ConversionSummary {
  input: string;
  /** `pytorch-legacy`, `pytorch-zip` or `tfjs`. */
  format: string;
  variant: string;
  widthDivisor: number;
  parameters: number;
  tensors: number;
  epoch?: number;
  bestPrec1?: number;
  files: Array<{ path: string; bytes: number }>;
}

function describeConversion(input: string, loaded: LoadedCsrnet, files: ConversionSummary['files']): ConversionSummary {
  const { model, checkpoint } = loaded;
  let parameters = 0;
  for (const v of model.parameters.values()) parameters += v.size;
  return {
    input,
    format: checkpoint === undefined ? 'tfjs' : `pytorch-${checkpoint.format}`,
    variant: model.config.variant,
    widthDivisor: model.config.widthDivisor,
    parameters,
    tensors: model.parameters.size,
    ...(checkpoint?.epoch === undefined ? {} : { epoch: checkpoint.epoch }),
    ...(checkpoint?.bestPrec1 === undefined ? {} : { bestPrec1: checkpoint.bestPrec1 }),
    files,
  };
}

const FORMAT_NAMES: Record<string, string> = {
  'pytorch-legacy': 'PyTorch checkpoint, legacy format (torch < 1.6)',
  'pytorch-zip': 'PyTorch checkpoint, zip format (torch ≥ 1.6)',
  tfjs: 'tfjs model',
};

function conversionText(s: ConversionSummary): string {
  // best_prec1 is the reference's float32 MAE tensor: 6 significant digits are what it holds.
  const training = [s.epoch === undefined ? '' : `epoch ${s.epoch}`, s.bestPrec1 === undefined ? '' : `best_prec1 ${Number(s.bestPrec1.toPrecision(6))}`]
    .filter(Boolean)
    .join(', ');
  const lines = [
    `converted ${s.input}`,
    `  from   ${FORMAT_NAMES[s.format]}${training ? `; ${training}` : ''}`,
    `  model  CSRNet variant ${s.variant}, width ÷${s.widthDivisor}: ${s.parameters.toLocaleString('en-US')} parameters in ${s.tensors} tensors`,
    ...s.files.map((f, i) => `  ${i === 0 ? 'wrote ' : '      '} ${f.path} (${f.bytes.toLocaleString('en-US')} bytes)`),
  ];
  return lines.join('\n');
}
