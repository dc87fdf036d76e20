import { stat } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { Command } from 'commander';
import type { CsrnetVariant } from '@crowd/csrnet';
import { findSamples } from '@crowd/datasets/node';
import { backendOption, useBackend, type BackendFlag } from '../backend-option.js';
import type { CliIo } from '../cli-io.js';
import { loadModel } from '../count/load-model.js';
import { checkTileFlags, tileOptions, variantOption } from '../count/model-options.js';
import { evaluateDataset } from '../evaluate/evaluate-dataset.js';
import { evalRowLine, summaryTable } from '../evaluate/eval-report.js';
import { createProgress } from '../progress.js';

interface EvalFlags {
  weights: string;
  data: string;
  variant?: CsrnetVariant;
  backend: BackendFlag;
  json?: boolean;
  referenceEval?: boolean;
  tile?: number;
  tileMargin: number;
}

export function evalCommand(io: CliIo): Command {
  const command = new Command('eval')
    .description('Evaluate a model on annotated images: MAE, MSE (root mean squared error, as papers label it), GAME(0-3), NAE, PSNR and SSIM.')
    .requiredOption('--weights <path>', 'the model: a tfjs model folder or model.json, or a PyTorch .pth.tar')
    .requiredOption('--data <root|list>', 'dataset root (ShanghaiTech, UCF-QNRF, UCF_CC_50, JHU-Crowd++, NWPU-Crowd) or a JSON list of image paths')
    .addOption(variantOption())
    .addOption(backendOption())
    .option('--reference-eval', "compare with the sum of the reference's bicubic 1/8 target (train.py's validation) instead of the annotated count")
    .option('--json', 'JSON lines: one per image, then {"summary": …}');
  for (const option of tileOptions()) command.addOption(option);
  return command.action(async (flags: EvalFlags) => {
    checkTileFlags(command, flags.tile, flags.tileMargin);
    const root = resolve(flags.data);
    const samples = await findSamples(root);
    // Rows name images relative to the dataset root, or to a list file's folder.
    const base = (await stat(root)).isDirectory() ? root : dirname(root);
    await useBackend(flags.backend);
    const { model } = await loadModel(flags.weights, flags.variant);
    const progress = createProgress(io.stderr, io.stdout, 'eval');
    progress.start(samples.length);
    let summary;
    try {
      summary = await evaluateDataset(model, samples, {
        tile: flags.tile,
        margin: flags.tileMargin,
        referenceEval: Boolean(flags.referenceEval),
        onImage: (row) => progress.tick(flags.json ? JSON.stringify(row) : evalRowLine(row, relative(base, row.image))),
      });
    } finally {
      progress.stop();
      model.dispose();
    }
    io.stdout.write(`${flags.json ? JSON.stringify({ summary }) : summaryTable(summary)}\n`);
    if (summary.failed > 0) process.exitCode = 1;
  });
}
