import { CsrnetError } from '../errors.js';
import type { NamedTensors } from '../named-tensors.js';
import type { TorchCheckpoint } from '../torch/checkpoint.js';
import { assembleFrontend, VGG16_FRONTEND_LAYERS } from './frontend-layers.js';

/**
 * CSRNet's front end from torchvision's ImageNet VGG-16 (`vgg16-397923af.pth`,
 * read with readTorchCheckpoint): `features.N` → `frontend.N` for the ten
 * convs up to conv4_3, by name. The reference copies by position (the first
 * 20 state_dict entries); the two agree because torchvision's state_dict
 * starts with exactly those layers, but names fail loudly on another model.
 * Tensors are shared with the input, not copied.
 */
export function vggFrontendFromTorchvision(weights: TorchCheckpoint | NamedTensors, source?: string): NamedTensors {
  const stateDict = weights instanceof Map ? weights : weights.stateDict;
  const convs = VGG16_FRONTEND_LAYERS.map(({ index, vggName }) => {
    const weight = stateDict.get(`features.${index}.weight`);
    const bias = stateDict.get(`features.${index}.bias`);
    if (weight === undefined || bias === undefined) {
      throw new CsrnetError('WEIGHTS_MISMATCH', source, `expected features.${index}.weight and .bias (VGG-16 ${vggName}); ${whatItIs(stateDict)}`);
    }
    return { sourceName: `features.${index}`, weight, bias };
  });
  return assembleFrontend(convs, source);
}

/** The likeliest reason a state_dict lacks VGG-16's layers. */
function whatItIs(stateDict: NamedTensors): string {
  const keys = [...stateDict.keys()];
  if (keys.some((key) => key.startsWith('frontend.'))) {
    return 'this is already a CSRNet state_dict (frontend.* keys), not ImageNet VGG-16 — load it as CSRNet weights instead';
  }
  if (keys.some((key) => /^features\.\d+\.running_mean$/.test(key))) {
    return "this is VGG-16 with batch norm (vgg16_bn), whose layers are numbered differently; CSRNet's front end is plain VGG-16 (vgg16-397923af.pth)";
  }
  const convs = keys.flatMap((key) => /^features\.(\d+)\.weight$/.exec(key)?.[1] ?? []);
  if (convs.length > 0) {
    return `found conv layers at features.{${convs.join(',')}}, which is not VGG-16's numbering (VGG-11/13/19 differ)`;
  }
  return `found keys ${keys.slice(0, 5).join(', ') || '(none)'}${keys.length > 5 ? ', …' : ''}, not a torchvision VGG state_dict`;
}
