import { stat, writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import type { CsrnetVariant } from '@crowd/csrnet';
import type { CliIo } from '../cli-io.js';
import { variantOption } from '../count/model-options.js';
import { conversionText, convertWeights, writeTfjs, type ModelWriter } from './convert.js';

type ExportFormat = 'onnx' | 'tfjs';

interface ExportFlags {
  format?: ExportFormat;
  onnx?: boolean;
  variant?: CsrnetVariant;
  json?: boolean;
}

/** The ONNX writer: one standard `ModelProto` file, replaced atomically. */
const writeOnnx: ModelWriter = async ({ model }, path) => {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new Error(`${path}: is a folder; give the path of the .onnx file to write`);
  const [{ CSRNET_ONNX_OPSET, csrnetModelToOnnx }, { writeAtomically }] = await Promise.all([import('@crowd/csrnet'), import('@crowd/datasets/node')]);
  const bytes = csrnetModelToOnnx(model);
  await writeAtomically(path, (temp) => writeFile(temp, bytes));
  return { files: [{ path, bytes: bytes.length }], opset: CSRNET_ONNX_OPSET };
};

/** `--format`, else `--onnx`, else what `<out>` looks like: a `.onnx` file, or a folder for tfjs. */
function exportFormat(flags: ExportFlags, out: string, command: Command): ExportFormat {
  if (flags.onnx && flags.format === 'tfjs') {
    command.error('error: --onnx means --format onnx; it cannot go with --format tfjs', { exitCode: 2, code: 'crowd.conflictingFormat' });
  }
  return flags.format ?? (flags.onnx || out.toLowerCase().endsWith('.onnx') ? 'onnx' : 'tfjs');
}

export function exportCommand(io: CliIo): Command {
  return new Command('export')
    .description(
      'Export CSRNet weights as a standard ONNX model (onnxruntime in Node and browsers, and any other ONNX runtime) or as the tfjs model the web app loads.'
    )
    .argument('<weights>', 'a PyTorch .pth/.pth.tar checkpoint (any variant or width; legacy, GPU-saved or zip format), or a tfjs model folder or model.json')
    .argument('<out>', 'the .onnx file to write, or the folder for a tfjs model (model.json + weights.bin); files are replaced atomically')
    .addOption(new Option('--format <onnx|tfjs>', 'what to write (default: onnx when <out> ends in .onnx, else tfjs)').choices(['onnx', 'tfjs']))
    .option('--onnx', 'shorthand for --format onnx')
    .addOption(variantOption())
    .option('--json', 'print one JSON object instead of text')
    .action(async (weights: string, out: string, flags: ExportFlags, command: Command) => {
      const format = exportFormat(flags, out, command);
      const summary = await convertWeights(weights, out, format, flags.variant, format === 'onnx' ? writeOnnx : writeTfjs);
      io.stdout.write(`${flags.json ? JSON.stringify(summary) : conversionText(summary, 'exported')}\n`);
    });
}
