import type { DensityOptions } from '@crowd/density';
import type { Sample } from '@crowd/datasets/node';

/** What the user asked for on the command line; unset fields fall back to per-part defaults. */
export interface DensityRequest {
  mode?: 'preserving' | 'reference';
  kernel?: 'adaptive' | 'fixed';
  sigma?: number;
  k?: number;
  beta?: number;
}

/**
 * The reference's choice per ShanghaiTech part: geometry-adaptive kernels for
 * the dense Part A, a fixed σ = 15 for the sparse Part B (make_dataset.ipynb).
 * Other datasets default to the adaptive kernel.
 */
export function densitySettingsFor(sample: Pick<Sample, 'part'>, request: DensityRequest): DensityOptions {
  const kernel = request.kernel ?? (sample.part === 'B' ? 'fixed' : 'adaptive');
  const options: DensityOptions = { mode: request.mode ?? 'preserving', kernel };
  if (kernel === 'fixed') options.sigma = request.sigma ?? 15;
  else {
    if (request.k !== undefined) options.k = request.k;
    if (request.beta !== undefined) options.beta = request.beta;
  }
  return options;
}
