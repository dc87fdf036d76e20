import type { CsrnetModel } from '@crowd/csrnet';
import { CountMetrics, type CountResult } from '@crowd/metrics';
import type { ValidationSet, ValidationTruth } from './data.js';
import { TrainError } from './errors.js';
import { inProcessCompute, type TrainCompute } from './train-compute.js';

/**
 * Counts every validation image with the model (whole image, batch 1, as
 * train.py's `validate`) and compares the counts with the truth: MAE, RMSE
 * (papers' "MSE") and NAE. `compute` may count several images at once; the
 * metrics are still summed in image order, so they do not depend on it.
 */
export async function validate(model: CsrnetModel, set: ValidationSet, truth: ValidationTruth, compute: TrainCompute = inProcessCompute, where = 'validation'): Promise<CountResult> {
  const samples: Array<{ name: string; count: number }> = [];
  const predicted = await compute.counts(
    model,
    set.size,
    async (i) => {
      const { name, image, count } = await set.load(i, truth);
      samples[i] = { name, count };
      return { name, image };
    },
    where,
  );
  const metrics = new CountMetrics();
  samples.forEach(({ name, count }, i) => {
    if (!Number.isFinite(predicted[i])) throw new TrainError('NON_FINITE', `validation: the model predicts a count of ${predicted[i]}`, { file: name });
    metrics.add(predicted[i], count);
  });
  return metrics.result();
}
