import { findSamples, type Sample } from '@crowd/datasets/node';
import { TrainError } from '@crowd/train';

/** The samples a `crowd train` run uses, and where the validation ones came from. */
export interface TrainSamples {
  train: Sample[];
  val: Sample[];
  /** `'--val'`, or the split of `dataset` used for validation (`'val'` or `'test'`). */
  valSource: string;
}

/**
 * Training samples are the `train` split of `dataset` when it has one (a
 * ShanghaiTech root or part folder), otherwise all of it (a list file, a
 * split folder). Validation samples are those of `val` when given, otherwise
 * the dataset's `val` split, or else its `test` split (ShanghaiTech's
 * test_data: what train.py is given as TEST).
 */
export async function trainSamples(dataset: string, val: string | undefined): Promise<TrainSamples> {
  const all = await findSamples(dataset);
  const hasTrainSplit = all.some((s) => s.split === 'train');
  const train = hasTrainSplit ? all.filter((s) => s.split === 'train') : all;
  if (val !== undefined) return { train, val: await findSamples(val), valSource: '--val' };
  const split = ['val', 'test'].find((name) => all.some((s) => s.split === name));
  if (!hasTrainSplit || split === undefined) {
    throw new TrainError('CONFIG_INVALID', `--val: ${dataset} has no train and test (or val) splits to validate on; pass --val <dataset root or list>`);
  }
  return { train, val: all.filter((s) => s.split === split), valSource: `${split} split` };
}
