import type { CsrnetVariant } from '@crowd/csrnet';
import { CsrnetError } from '@crowd/csrnet';
import { loadCsrnetFile, type LoadedCsrnet } from '@crowd/csrnet/node';
import { OUTPUT_STRIDE } from './tile-plan.js';

/**
 * Loads `--weights` (a tfjs model folder or model.json, or a PyTorch
 * `.pth`/`.pth.tar`). A checkpoint carries no architecture, so `variant`
 * (default B, the paper's) applies to it; a tfjs model records its own,
 * and asking for another one is an error rather than silently ignored.
 * Counting and tiling assume the standard front end's 1/8 output.
 */
export async function loadModel(path: string, variant: CsrnetVariant | undefined): Promise<LoadedCsrnet> {
  const loaded = await loadCsrnetFile(path, variant === undefined ? {} : { variant });
  const { model } = loaded;
  if (variant !== undefined && model.config.variant !== variant) {
    model.dispose();
    throw new CsrnetError(
      'CONFIG_INVALID',
      path,
      `this tfjs model records variant ${model.config.variant}; --variant ${variant} applies to PyTorch checkpoints only`
    );
  }
  const probe = 8 * OUTPUT_STRIDE;
  const [h, w] = model.outputSize(probe, probe);
  if (h !== probe / OUTPUT_STRIDE || w !== probe / OUTPUT_STRIDE) {
    model.dispose();
    throw new CsrnetError(
      'CONFIG_INVALID',
      path,
      `expected a model whose density map is 1/${OUTPUT_STRIDE} of its input, found ${h}×${w} for a ${probe}×${probe} input`
    );
  }
  return loaded;
}
