import { CsrnetError, type CsrnetVariant } from '@crowd/csrnet';
import { loadCsrnetFile, type LoadedCsrnet } from '@crowd/csrnet/node';
import { OUTPUT_STRIDE } from '@crowd/count';

/**
 * Loads `--weights` (a tfjs model folder or model.json, or a PyTorch
 * `.pth`/`.pth.tar`; `variant` applies to checkpoints, see loadCsrnetFile).
 * Counting and tiling assume the standard front end's 1/8 output.
 */
export async function loadModel(path: string, variant: CsrnetVariant | undefined): Promise<LoadedCsrnet> {
  const loaded = await loadCsrnetFile(path, variant === undefined ? {} : { variant });
  const { model } = loaded;
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
