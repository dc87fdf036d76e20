import { stat } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { Command } from 'commander';
import type { CsrnetVariant } from '@crowd/csrnet';
import type { EngineChoice } from '@crowd/count/node';
import { backendOption, type BackendFlag } from '../backend-option.js';
import type { CliIo } from '../cli-io.js';
import { checkTileFlags, tileOptions, variantOption } from '../count/model-options.js';
import { engineLine, engineOption } from '../engine-option.js';
import { evalRowLine, summaryTable } from '../evaluate/eval-report.js';
import { downloadReporting } from './models.js';
import { createProgress } from '../progress.js';

interface EvalFlags {
  weights: string;
  offline?: boolean;
  data: string;
  variant?: CsrnetVariant;
  engine: EngineChoice;
  backend: BackendFlag;
  json?: boolean;
  referenceEval?: boolean;
  tile?: number;
  tileMargin: number;
}

export function evalCommand(io: CliIo): Command {
  const command = new Command('eval')
    .description('Evaluate a model on annotated images: MAE, MSE (root mean squared error, as papers label it), GAME(0-3), NAE, PSNR and SSIM.')
    .requiredOption('--weights <path|id>', 'the model: a registry id (crowd models list; downloaded on first use), a tfjs model folder or model.json, a PyTorch .pth.tar, or an .onnx from crowd export')
    .option('--offline', 'never download: a registry model must already be cached')
    .requiredOption('--data <root|list>', 'dataset root (ShanghaiTech, UCF-QNRF, UCF_CC_50, JHU-Crowd++, NWPU-Crowd) or a JSON list of image paths')
    .addOption(variantOption())
    .addOption(engineOption())
    .addOption(backendOption())
    .option('--reference-eval', "compare with the sum of the reference's bicubic 1/8 target (train.py's validation) instead of the annotated count")
    .option('--json', 'JSON lines: one per image, then {"summary": …}');
  for (const option of tileOptions()) command.addOption(option);
  return command.action(async (flags: EvalFlags) => {
    checkTileFlags(command, flags.tile, flags.tileMargin);
    // Loaded once the arguments parse: `crowd eval --help` should not pay for tfjs, sharp and onnxruntime.
    const [{ findSamples }, { createCounter, resolveWeights }, { evaluateDataset }] = await Promise.all([
      import('@crowd/datasets/node'),
      import('@crowd/count/node'),
      import('../evaluate/evaluate-dataset.js'),
    ]);
    const root = resolve(flags.data);
    const samples = await findSamples(root);
    // Rows name images relative to the dataset root, or to a list file's folder.
    const base = (await stat(root)).isDirectory() ? root : dirname(root);
    const { path: weights } = await resolveWeights(flags.weights, downloadReporting(io, 'eval', Boolean(flags.offline)));
    const counter = await createCounter({
      weights,
      engine: flags.engine,
      backend: flags.backend,
      ...(flags.variant === undefined ? {} : { variant: flags.variant }),
    });
    io.stderr.write(engineLine('eval', counter.engine, counter.tried));
    const progress = createProgress(io.stderr, io.stdout, 'eval');
    progress.start(samples.length);
    let summary;
    try {
      summary = await evaluateDataset(counter, samples, {
        tile: flags.tile,
        margin: flags.tileMargin,
        referenceEval: Boolean(flags.referenceEval),
        onImage: (row) => progress.tick(flags.json ? JSON.stringify(row) : evalRowLine(row, relative(base, row.image))),
      });
    } finally {
      progress.stop();
      await counter.dispose();
    }
    io.stdout.write(`${flags.json ? JSON.stringify({ summary }) : summaryTable(summary)}\n`);
    if (summary.failed > 0) process.exitCode = 1;
  });
}
