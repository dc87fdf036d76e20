import * as tf from '@tensorflow/tfjs';
import type { CsrnetModel } from '@crowd/csrnet';
import { CountMetrics, type CountResult } from '@crowd/metrics';
import type { ValidationSet, ValidationTruth } from './data.js';
import { TrainError } from './errors.js';

/**
 * Counts every validation image with the model (whole image, batch 1, as
 * train.py's `validate`) and compares the counts with the truth: MAE, RMSE
 * (papers' "MSE") and NAE.
 */
export async function validate(model: CsrnetModel, set: ValidationSet, truth: ValidationTruth): Promise<CountResult> {
  const metrics = new CountMetrics();
  for (let i = 0; i < set.size; i++) {
    const { name, image, count } = await set.load(i, truth);
    const input = model.preprocess(image.data, image.width, image.height);
    const density = model.predict(input);
    const sum = tf.sum(density);
    const predicted = (await sum.data())[0];
    tf.dispose([input, density, sum]);
    if (!Number.isFinite(predicted)) throw new TrainError('NON_FINITE', `validation: the model predicts a count of ${predicted}`, { file: name });
    metrics.add(predicted, count);
  }
  return metrics.result();
}
