import { CsrnetError } from '../errors.js';
import { assertFiniteTensors } from '../finite.js';
import type { NamedTensor, NamedTensors } from '../named-tensors.js';

/**
 * CSRNet's front end is VGG-16's first ten conv layers (conv1_1 … conv4_3).
 * Its state_dict keeps torchvision's `features` indices (the max-pools and
 * ReLUs between convs are unnamed slots), so `frontend.N` is `features.N`.
 */
export const VGG16_FRONTEND_LAYERS: ReadonlyArray<{ index: number; vggName: string; kerasName: string }> = [
  { index: 0, vggName: 'conv1_1', kerasName: 'block1_conv1' },
  { index: 2, vggName: 'conv1_2', kerasName: 'block1_conv2' },
  { index: 5, vggName: 'conv2_1', kerasName: 'block2_conv1' },
  { index: 7, vggName: 'conv2_2', kerasName: 'block2_conv2' },
  { index: 10, vggName: 'conv3_1', kerasName: 'block3_conv1' },
  { index: 12, vggName: 'conv3_2', kerasName: 'block3_conv2' },
  { index: 14, vggName: 'conv3_3', kerasName: 'block3_conv3' },
  { index: 17, vggName: 'conv4_1', kerasName: 'block4_conv1' },
  { index: 19, vggName: 'conv4_2', kerasName: 'block4_conv2' },
  { index: 21, vggName: 'conv4_3', kerasName: 'block4_conv3' },
];

/** One imported conv layer, OIHW, with the name it had in the source file for messages. */
export interface ImportedConv {
  sourceName: string;
  weight: NamedTensor;
  bias: NamedTensor;
}

/**
 * Checks that the ten layers chain like VGG-16's (3x3 kernels, RGB input,
 * each layer's input channels = the previous layer's outputs, one bias per
 * output), that every weight is finite, and names them
 * `frontend.N.weight/bias`. Channel counts are not fixed, so width-reduced
 * test models pass too.
 */
export function assembleFrontend(convs: ImportedConv[], source: string | undefined): NamedTensors {
  const frontend: NamedTensors = new Map();
  let channels = 3;
  convs.forEach(({ sourceName, weight, bias }, i) => {
    const { index, vggName } = VGG16_FRONTEND_LAYERS[i];
    const [out, inputs, kh, kw] = weight.shape;
    if (weight.shape.length !== 4 || kh !== 3 || kw !== 3 || inputs !== channels) {
      throw new CsrnetError(
        'WEIGHTS_MISMATCH',
        source,
        `${sourceName} (VGG-16 ${vggName}) should be a 3x3 conv from ${channels} channels, [out, ${channels}, 3, 3] in OIHW; found [${weight.shape.join(', ')}]`,
      );
    }
    if (bias.shape.length !== 1 || bias.shape[0] !== out) {
      throw new CsrnetError('WEIGHTS_MISMATCH', source, `the bias of ${sourceName} (VGG-16 ${vggName}) should have shape [${out}]; found [${bias.shape.join(', ')}]`);
    }
    assertFiniteTensors(
      [
        [`${sourceName}.weight (VGG-16 ${vggName}, OIHW)`, weight],
        [`${sourceName}.bias`, bias],
      ],
      source,
    );
    frontend.set(`frontend.${index}.weight`, weight);
    frontend.set(`frontend.${index}.bias`, bias);
    channels = out;
  });
  return frontend;
}
