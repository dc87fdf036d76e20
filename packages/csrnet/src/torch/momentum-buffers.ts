import { CsrnetError } from '../errors.js';
import type { NamedTensors } from '../named-tensors.js';
import type { TorchCheckpoint } from './checkpoint.js';

/** BatchNorm's buffers: in the state_dict but not parameters, so the optimizer never saw them. */
const BUFFER_SUFFIXES = ['.running_mean', '.running_var', '.num_batches_tracked'];

/**
 * SGD momentum buffers by parameter name. The optimizer numbers parameters by
 * their position in the list it was given (its param groups, in order); for
 * `SGD(model.parameters())`, as the reference builds it, that is state_dict
 * order with BatchNorm running statistics left out. Shapes are checked, so a
 * checkpoint built with a different parameter order fails loudly instead of
 * pairing buffers with the wrong weights.
 */
export function momentumBuffersByName(checkpoint: TorchCheckpoint, source?: string): NamedTensors {
  const { optimizer, stateDict } = checkpoint;
  if (optimizer === undefined) throw new CsrnetError('WEIGHTS_FORMAT', source, 'the checkpoint has no SGD optimizer state');
  const parameters = [...stateDict.keys()].filter((name) => !BUFFER_SUFFIXES.some((suffix) => name.endsWith(suffix)));
  const ids = optimizer.paramGroups.flatMap((group) => group.params);
  if (ids.length !== parameters.length) {
    throw new CsrnetError(
      'WEIGHTS_MISMATCH',
      source,
      `the optimizer has ${ids.length} parameters but the state_dict has ${parameters.length} (${parameters.slice(0, 3).join(', ')}, …)`,
    );
  }
  const positions = new Map(ids.map((id, position) => [id, position]));
  const byPosition = new Map<number, string>();
  for (const [id, buffer] of optimizer.momentumBuffers) {
    const position = positions.get(id);
    if (position === undefined) throw new CsrnetError('WEIGHTS_MISMATCH', source, `optimizer state ${id} belongs to no param group`);
    const name = parameters[position];
    const expected = stateDict.get(name)!.shape;
    if (expected.join() !== buffer.shape.join()) {
      throw new CsrnetError(
        'WEIGHTS_MISMATCH',
        source,
        `momentum buffer ${id} has shape [${buffer.shape.join(', ')}] but parameter ${position} (${name}) has shape [${expected.join(', ')}]`,
      );
    }
    byPosition.set(position, name);
  }
  const result: NamedTensors = new Map();
  parameters.forEach((name, position) => {
    if (byPosition.has(position)) result.set(name, optimizer.momentumBuffers.get(ids[position])!);
  });
  return result;
}
