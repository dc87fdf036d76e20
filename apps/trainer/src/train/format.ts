import type { EpochRecord, ResolvedTrainConfig } from '@crowd/train';

/** Four significant digits, without trailing zeros or exponents for everyday magnitudes. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const a = Math.abs(value);
  return a !== 0 && (a >= 1e6 || a < 1e-4) ? value.toExponential(3) : String(Number(value.toPrecision(4)));
}

/** `epoch 3/10  loss 12.34  val MAE 5.67  MSE 7.89  best` (or `(best 5.01 @ epoch 2)`). */
export function epochLine(r: EpochRecord): string {
  const best = r.best ? 'best' : `(best ${formatNumber(r.bestMae)} @ epoch ${r.bestEpoch})`;
  return `epoch ${r.epoch}/${r.epochs}  loss ${formatNumber(r.loss)}  val MAE ${formatNumber(r.valMae)}  MSE ${formatNumber(r.valRmse)}  ${best}`;
}

/** One line on what a run does: optimiser, data pipeline, length. Learning rates print as papers write them (1e-7, 3e-4). */
export function configLine(c: ResolvedTrainConfig): string {
  const optimizer = c.optimizer === 'sgd' ? `sgd lr ${c.lr.toExponential()} momentum ${c.momentum}` : `adam lr ${c.lr.toExponential()} betas ${c.adamBetas.join('/')}`;
  const examples = typeof c.crop === 'object' ? `${c.crop.height}×${c.crop.width} crops` : c.crop === 'nine-patch' ? 'nine-patch crops' : 'full images';
  const crop = typeof c.crop === 'object' || c.batch > 1 ? `${examples}, batch ${c.batch}` : examples;
  const parts = [
    `preset ${c.preset}`,
    `${optimizer} weight decay ${c.weightDecay}`,
    crop,
    c.mirror ? 'mirrored' : 'not mirrored',
    c.shuffle ? `shuffled (seed ${c.seed})` : 'not shuffled',
    `list ×${c.repeat}`,
    `${c.target === 'sum' ? 'sum-pool' : 'bicubic'} targets`,
    `validated against ${c.referenceEval ? "the reference target's sum" : 'annotated heads'}`,
    `${c.epochs} epoch${c.epochs === 1 ? '' : 's'}${c.maxSteps === null ? '' : `, at most ${c.maxSteps} step${c.maxSteps === 1 ? '' : 's'}`}`,
  ];
  return parts.join(', ');
}
