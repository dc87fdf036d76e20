/**
 * A framework-neutral tensor: C-order float32 data and its shape. PyTorch
 * conv weights keep PyTorch's OIHW layout here; converting to tfjs's HWIO is
 * the model's job, so importers stay pure parsers.
 */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

/** Tensors by name, in the order the source stored them (state_dict order). */
export type NamedTensors = Map<string, NamedTensor>;
