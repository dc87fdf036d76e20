import { CsrnetError } from '../errors.js';
import { checkFileSize, formatCount, limitExceeded, resolveModelFileLimits, type ModelFileLimits, type ResolvedModelFileLimits } from '../limits.js';
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
 * e.g. torchvision's model files), the reference's training checkpoint dict
 * `{epoch, arch, state_dict, best_prec1, optimizer}`, or a `{model: state_dict}`
 * dict (the LWCC library's published weights).
 *
 * Tensors come back as C-contiguous float32 in PyTorch's layout (OIHW conv
 * weights): strided views are gathered, float64 is rounded, float16/bfloat16
 * widened; integer and bool tensors are listed in `skippedTensors` instead. If
 * every key starts with `module.` (a model wrapped in nn.DataParallel when
 * saved) the prefix is stripped. Anything else — a download error page, a
 * truncated file, a whole pickled model — is a CsrnetError naming `source`.
 *
 * What the file can make this allocate is bounded by `limits` (see the
 * README's "Resource limits"): the float32 values of all tensors together
 * may exceed the elements the file stores by at most
 * `limits.maxExtraElements`, so views that repeat a tiny storage (stride 0)
 * cannot turn bytes into gigabytes; the pickle and, for zip files, the
 * inflated entries have budgets of their own. Going over one is a
 * `LIMIT_EXCEEDED` error, raised before the memory is allocated.
 */
export function readTorchCheckpoint(bytes: Uint8Array, source?: string, limits: ModelFileLimits = {}): TorchCheckpoint {
  const resolved = resolveModelFileLimits(limits);
  checkFileSize(bytes.length, source, resolved);
  const sniffed = sniffCheckpoint(bytes);
  if ('notCheckpoint' in sniffed) throw new CsrnetError('WEIGHTS_FORMAT', source, sniffed.notCheckpoint);
  if (sniffed.kind === 'zip') {
    const { value, littleEndian, storedElements } = readZipCheckpoint(bytes, source, resolved);
    return interpret(value, 'zip', littleEndian, storedElements, resolved, source);
  }
  const { value, storedElements } = readLegacyCheckpoint(bytes, source, resolved);
  return interpret(value, 'legacy', true, storedElements, resolved, source);
}

function interpret(
  root: unknown,
  format: 'legacy' | 'zip',
  littleEndian: boolean,
  storedElements: number,
  limits: ResolvedModelFileLimits,
  source: string | undefined,
): TorchCheckpoint {
  // One Float32Array per tensor object, however often the pickle refers to it.
  const converted = new Map<TorchTensor, NamedTensor>();
  // Charged before each allocation, so a file over budget never gets its memory.
  let produced = 0;
  const allowed = storedElements + limits.maxExtraElements;
  const toFloat32 = (tensor: TorchTensor, name: string): NamedTensor => {
    let named = converted.get(tensor);
    if (named === undefined) {
      produced += tensor.shape.reduce((a, b) => a * b, 1);
      if (produced > allowed) throw overBudget(tensor, name, produced, storedElements, limits, source);
      named = tensorToFloat32(tensor, littleEndian, source, name);
      converted.set(tensor, named);
    }
    return named;
  };
  if (!(root instanceof Map)) {
    throw new CsrnetError('WEIGHTS_FORMAT', source, `expected a state_dict or a checkpoint dict, found ${describeValue(root)}`);
  }
  const isBareStateDict = root.size > 0 && [...root.values()].every((value) => value instanceof TorchTensor);
  // The reference's checkpoints keep the weights under 'state_dict', LWCC's under 'model'.
  const stateDictKey = root.has('state_dict') ? 'state_dict' : 'model';
  if (!isBareStateDict && !root.has(stateDictKey)) {
    const keys = [...root.keys()].slice(0, 8).map(String).join(', ');
    throw new CsrnetError(
      'WEIGHTS_FORMAT',
      source,
      `expected a state_dict (tensors by name) or a checkpoint dict with a 'state_dict' (or 'model') entry, found a dict with keys ${keys || '(none)'}`,
    );
  }
  const entries = stateDictEntries(isBareStateDict ? root : root.get(stateDictKey), source, stateDictKey);
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

function overBudget(tensor: TorchTensor, name: string, produced: number, stored: number, limits: ResolvedModelFileLimits, source: string | undefined): CsrnetError {
  const numel = tensor.shape.reduce((a, b) => a * b, 1);
  const repeats =
    numel > tensor.view.numel
      ? `; ${name} [${tensor.shape.join(', ')}] with strides [${tensor.stride.join(', ')}] alone reads its ${formatCount(tensor.view.numel)}-element storage ${formatCount(Math.floor(numel / tensor.view.numel))} times over`
      : '';
  return limitExceeded(
    source,
    `the tensors up to ${name} need ${formatCount(produced)} float32 values, ${formatCount(produced - stored)} more than the ${formatCount(stored)} elements the file stores${repeats}`,
    'maxExtraElements',
    limits.maxExtraElements,
    produced - stored,
  );
}

function stateDictEntries(value: unknown, source: string | undefined, key: string): Array<[string, TorchTensor]> {
  if (!(value instanceof Map)) throw new CsrnetError('WEIGHTS_FORMAT', source, `expected '${key}' to be a dict of tensors, found ${describeValue(value)}`);
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
