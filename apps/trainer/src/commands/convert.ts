import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import type { CsrnetVariant } from '@crowd/csrnet';
import type { LoadedCsrnet } from '@crowd/csrnet/node';
import { useBackend } from '../backend-option.js';
import type { CliIo } from '../cli-io.js';
import { variantOption } from '../count/model-options.js';

interface ConvertFlags {
  variant?: CsrnetVariant;
  json?: boolean;
}

export function convertCommand(io: CliIo): Command {
  return new Command('convert')
    .description(
      'Convert CSRNet weights to the tfjs format the web app loads (model.json + weights.bin): a CSRNet-pytorch checkpoint (.pth/.pth.tar; legacy, GPU-saved or zip format) or a tfjs model. `crowd export` also writes ONNX.'
    )
    .argument('<in>', 'a PyTorch .pth/.pth.tar checkpoint, or a tfjs model folder or model.json')
    .argument('<out-dir>', 'folder to write model.json and weights.bin to (created if missing; existing files are replaced atomically)')
    .addOption(variantOption())
    .option('--json', 'print one JSON object instead of text')
    .action(async (input: string, outDir: string, flags: ConvertFlags) => {
      const summary = await convertWeights(input, outDir, 'tfjs', flags.variant, writeTfjs);
      io.stdout.write(`${flags.json ? JSON.stringify(summary) : conversionText(summary, 'converted')}\n`);
    });
}

/** Writes a loaded model to `out` and returns what it wrote, with any format-specific facts for the summary. */
export type ModelWriter = (loaded: LoadedCsrnet, out: string) => Promise<{ files: ConversionSummary['files']; opset?: number }>;

/** The tfjs writer: `model.json` + `weights.bin` in the folder `out`, each replaced atomically. */
export const writeTfjs: ModelWriter = async ({ model }, outDir) => {
  const [{ saveCsrnet }, { fileSystemHandler, MODEL_JSON, WEIGHTS_BIN }] = await Promise.all([import('@crowd/csrnet'), import('@crowd/csrnet/node')]);
  await saveCsrnet(model, fileSystemHandler(outDir));
  const files = await Promise.all([MODEL_JSON, WEIGHTS_BIN].map(async (name) => ({ path: join(outDir, name), bytes: (await stat(join(outDir, name))).size })));
  return { files };
};

/**
 * Loads `input` (anything loadCsrnetFile reads; `variant` applies to PyTorch
 * checkpoints), writes it with `write` and describes the result. The model is
 * freed whatever happens.
 */
export async function convertWeights(
  input: string,
  out: string,
  to: ConversionSummary['to'],
  variant: CsrnetVariant | undefined,
  write: ModelWriter
): Promise<ConversionSummary> {
  // Conversion only copies float32 values, so the plain-JS backend is exact and always there.
  await useBackend('cpu');
  const { loadCsrnetFile } = await import('@crowd/csrnet/node');
  const loaded = await loadCsrnetFile(input, variant === undefined ? {} : { variant });
  try {
    const written = await write(loaded, out);
    return describeConversion(input, loaded, to, written);
  } finally {
    loaded.model.dispose();
  }
}

/** What `crowd convert` and `crowd export` print (`--json` prints it as is). */
export interface ConversionSummary {
  input: string;
  /** `pytorch-legacy`, `pytorch-zip` or `tfjs`. */
  format: string;
  /** What was written. */
  to: 'tfjs' | 'onnx';
  variant: string;
  widthDivisor: number;
  parameters: number;
  tensors: number;
  epoch?: number;
  bestPrec1?: number;
  /** The ONNX opset, for `to: 'onnx'`. */
  opset?: number;
  files: Array<{ path: string; bytes: number }>;
}

function describeConversion(input: string, loaded: LoadedCsrnet, to: ConversionSummary['to'], written: Awaited<ReturnType<ModelWriter>>): ConversionSummary {
  const { model, checkpoint } = loaded;
  let parameters = 0;
  for (const v of model.parameters.values()) parameters += v.size;
  return {
    input,
    format: checkpoint === undefined ? 'tfjs' : `pytorch-${checkpoint.format}`,
    to,
    variant: model.config.variant,
    widthDivisor: model.config.widthDivisor,
    parameters,
    tensors: model.parameters.size,
    ...(checkpoint?.epoch === undefined ? {} : { epoch: checkpoint.epoch }),
    ...(checkpoint?.bestPrec1 === undefined ? {} : { bestPrec1: checkpoint.bestPrec1 }),
    ...(written.opset === undefined ? {} : { opset: written.opset }),
    files: written.files,
  };
}

const FORMAT_NAMES: Record<string, string> = {
  'pytorch-legacy': 'PyTorch checkpoint, legacy format (torch < 1.6)',
  'pytorch-zip': 'PyTorch checkpoint, zip format (torch ≥ 1.6)',
  tfjs: 'tfjs model',
};

/** The text report: input, its format and training state, the model, and each file written with its size. */
export function conversionText(s: ConversionSummary, verb: string): string {
  // best_prec1 is the reference's float32 MAE tensor: 6 significant digits are what it holds.
  const training = [s.epoch === undefined ? '' : `epoch ${s.epoch}`, s.bestPrec1 === undefined ? '' : `best_prec1 ${Number(s.bestPrec1.toPrecision(6))}`]
    .filter(Boolean)
    .join(', ');
  const lines = [
    `${verb} ${s.input}`,
    `  from   ${FORMAT_NAMES[s.format]}${training ? `; ${training}` : ''}`,
    `  model  CSRNet variant ${s.variant}, width ÷${s.widthDivisor}: ${s.parameters.toLocaleString('en-US')} parameters in ${s.tensors} tensors`,
    ...(s.opset === undefined ? [] : [`  onnx   opset ${s.opset}, input "input" [batch, 3, height, width] → output "density"`]),
    ...s.files.map((f, i) => `  ${i === 0 ? 'wrote ' : '      '} ${f.path} (${f.bytes.toLocaleString('en-US')} bytes)`),
  ];
  return lines.join('\n');
}
