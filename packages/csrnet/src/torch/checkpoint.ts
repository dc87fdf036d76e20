import { CsrnetError } from '../errors.js';
import type { NamedTensor, NamedTensors } from '../named-tensors.js';
import { isFloatingDtype, type TorchDtype } from './dtypes.js';
import { readLegacyCheckpoint } from './legacy-format.js';
import { describeValue } from './pickle.js';
import { sniffCheckpoint } from './sniff.js';
import { tensorScalar, tensorToFloat32 } from './tensor-data.js';
import { TorchTensor } from './torch-objects.js';
import { readZipCheckpoint } from './zip-format.js';

export interface SgdParamGroup {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** The optimizer's parameter ids: positions in the parameter list it was built with. */
  params: number[];
}

export interface SgdOptimizerState {
  kind: 'sgd';
  paramGroups: SgdParamGroup[];
  /** `state[id].momentum_buffer` by parameter id; see momentumBuffersByName for names. */
  momentumBuffers: Map<number, NamedTensor>;
}

export interface TorchCheckpoint {
  /** Which container the file used: `legacy` (torch < 1.6 or `_use_new_zipfile_serialization=False`) or `zip`. */
  format: 'legacy' | 'zip';
  /** Floating-point tensors as float32, in state_dict order, a DataParallel `module.` prefix removed. */
  stateDict: NamedTensors;
  /** Integer and bool tensors left out of `stateDict` (BatchNorm's `num_batches_tracked`). */
  skippedTensors: Array<{ name: string; dtype: TorchDtype }>;
  epoch?: number;
  /** The reference's best MAE so far, whether stored as a tensor, a numpy scalar or a float. */
  bestPrec1?: number;
  arch?: string | null;
  /** Present when the checkpoint carries SGD state (the reference's optimizer); other optimizers are left out. */
  optimizer?: SgdOptimizerState;
}

/**
 * Reads a PyTorch checkpoint in either container format without running any
 * of its pickle (see pickle.ts): a bare state_dict (`torch.save(model.state_dict())`,
 * e.g. torchvision's model files) or the reference's training checkpoint dict
 * `{epoch, arch, state_dict, best_prec1, optimizer}`.
 *
 * Tensors come back as C-contiguous float32 in PyTorch's layout (OIHW conv
 * weights): strided views are gathered, float64 is rounded, float16/bfloat16
 * widened; integer and bool tensors are listed in `skippedTensors` instead. If
 * every key starts with `module.` (a model wrapped in nn.DataParallel when
 * saved) the prefix is stripped. Anything else — a download error page, a
 * truncated file, a whole pickled model — is a CsrnetError naming `source`.
 */
export function readTorchCheckpoint(bytes: Uint8Array, source?: string): TorchCheckpoint {
  const sniffed = sniffCheckpoint(bytes);
  if ('notCheckpoint' in sniffed) throw new CsrnetError('WEIGHTS_FORMAT', source, sniffed.notCheckpoint);
  if (sniffed.kind === 'zip') {
    const { value, littleEndian } = readZipCheckpoint(bytes, source);
    return interpret(value, 'zip', littleEndian, source);
  }
  return interpret(readLegacyCheckpoint(bytes, source), 'legacy', true, source);
}

function interpret(root: unknown, format: 'legacy' | 'zip', littleEndian: boolean, source: string | undefined): TorchCheckpoint {
  // One Float32Array per tensor object, however often the pickle refers to it.
  const converted = new Map<TorchTensor, NamedTensor>();
  const toFloat32 = (tensor: TorchTensor, name: string): NamedTensor => {
    let named = converted.get(tensor);
    if (named === undefined) {
      named = tensorToFloat32(tensor, littleEndian, source, name);
      converted.set(tensor, named);
    }
    return named;
  };
  if (!(root instanceof Map)) {
    throw new CsrnetError('WEIGHTS_FORMAT', source, `expected a state_dict or a checkpoint dict, found ${describeValue(root)}`);
  }
  const isBareStateDict = root.size > 0 && [...root.values()].every((value) => value instanceof TorchTensor);
  if (!isBareStateDict && !root.has('state_dict')) {
    const keys = [...root.keys()].slice(0, 8).map(String).join(', ');
    throw new CsrnetError(
      'WEIGHTS_FORMAT',
      source,
      `expected a state_dict (tensors by name) or a checkpoint dict with a 'state_dict' entry, found a dict with keys ${keys || '(none)'}`,
    );
  }
  const entries = stateDictEntries(isBareStateDict ? root : root.get('state_dict'), source);
  const stateDict: NamedTensors = new Map();
  const skippedTensors: TorchCheckpoint['skippedTensors'] = [];
  for (const [name, tensor] of entries) {
    if (isFloatingDtype(tensor.dtype)) stateDict.set(name, toFloat32(tensor, name));
    else skippedTensors.push({ name, dtype: tensor.dtype });
  }
  const checkpoint: TorchCheckpoint = { format, stateDict, skippedTensors };
  if (isBareStateDict) return checkpoint;

  const scalar = (value: unknown): number | undefined => {
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint') return Number(value);
    if (value instanceof TorchTensor) return tensorScalar(value, littleEndian);
    return undefined;
  };
  const epoch = scalar(root.get('epoch'));
  if (epoch !== undefined) checkpoint.epoch = epoch;
  const bestPrec1 = scalar(root.get('best_prec1'));
  if (bestPrec1 !== undefined) checkpoint.bestPrec1 = bestPrec1;
  const arch = root.get('arch');
  if (arch === null || typeof arch === 'string') checkpoint.arch = arch;
  const optimizer = sgdState(root.get('optimizer'), toFloat32, source);
  if (optimizer !== undefined) checkpoint.optimizer = optimizer;
  return checkpoint;
}

function stateDictEntries(value: unknown, source: string | undefined): Array<[string, TorchTensor]> {
  if (!(value instanceof Map)) throw new CsrnetError('WEIGHTS_FORMAT', source, `expected 'state_dict' to be a dict of tensors, found ${describeValue(value)}`);
  const entries: Array<[string, TorchTensor]> = [];
  for (const [name, tensor] of value) {
    if (typeof name !== 'string' || !(tensor instanceof TorchTensor)) {
      throw new CsrnetError('WEIGHTS_FORMAT', source, `expected the state_dict to map names to tensors, found ${describeValue(name)} → ${describeValue(tensor)}`);
    }
    entries.push([name, tensor]);
  }
  const dataParallel = entries.length > 0 && entries.every(([name]) => name.startsWith('module.'));
  return dataParallel ? entries.map(([name, tensor]) => [name.slice('module.'.length), tensor]) : entries;
}

/**
 * SGD's state_dict: `{state: {id: {momentum_buffer}}, param_groups: [{lr,
 * momentum, dampening, weight_decay, nesterov, ..., params: [ids]}]}`. Groups
 * without `momentum`/`dampening`/`nesterov` belong to another optimizer (Adam
 * has `betas`), which this reader does not carry over.
 */
function sgdState(
  value: unknown,
  toFloat32: (tensor: TorchTensor, name: string) => NamedTensor,
  source: string | undefined,
): SgdOptimizerState | undefined {
  if (!(value instanceof Map)) return undefined;
  const groups = value.get('param_groups');
  const state = value.get('state');
  if (!Array.isArray(groups) || groups.length === 0 || !(state instanceof Map)) return undefined;
  const isSgd = groups.every((g) => g instanceof Map && typeof g.get('momentum') === 'number' && typeof g.get('dampening') === 'number' && typeof g.get('nesterov') === 'boolean');
  if (!isSgd) return undefined;

  const bad = (what: string): never => {
    throw new CsrnetError('WEIGHTS_FORMAT', source, `the SGD optimizer state is malformed: ${what}`);
  };
  const paramGroups = (groups as Array<Map<unknown, unknown>>).map((group, i): SgdParamGroup => {
    const lr = group.get('lr');
    const weightDecay = group.get('weight_decay');
    const params = group.get('params');
    if (typeof lr !== 'number' || typeof weightDecay !== 'number') bad(`param_groups[${i}] has no numeric lr and weight_decay`);
    if (!Array.isArray(params) || !params.every((id) => Number.isSafeInteger(id))) bad(`param_groups[${i}].params is not a list of parameter ids`);
    return {
      lr: lr as number,
      momentum: group.get('momentum') as number,
      dampening: group.get('dampening') as number,
      weightDecay: weightDecay as number,
      nesterov: group.get('nesterov') as boolean,
      params: params as number[],
    };
  });
  const momentumBuffers = new Map<number, NamedTensor>();
  for (const [id, entry] of state) {
    if (typeof id !== 'number' || !(entry instanceof Map)) bad(`state has entry ${describeValue(id)} → ${describeValue(entry)}, expected id → dict`);
    const buffer = (entry as Map<unknown, unknown>).get('momentum_buffer');
    // torch stores None before the first step and when momentum is 0.
    if (buffer === undefined || buffer === null) continue;
    if (!(buffer instanceof TorchTensor)) bad(`state[${id}].momentum_buffer is ${describeValue(buffer)}, expected a tensor`);
    momentumBuffers.set(id as number, toFloat32(buffer as TorchTensor, `optimizer.state[${id}].momentum_buffer`));
  }
  return { kind: 'sgd', paramGroups, momentumBuffers };
}
