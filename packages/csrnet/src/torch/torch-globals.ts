import { elementReader, ITEM_SIZE, STORAGE_DTYPES, type TorchDtype } from './dtypes.js';
import { describeValue, PickleValueError, type PickleGlobal } from './pickle.js';
import { NumpyDtype, StorageView, TorchTensor } from './torch-objects.js';

/** `torch.FloatStorage` and friends: a value in persistent ids, never called. */
export class StorageType implements PickleGlobal {
  readonly module = 'torch';

  constructor(
    readonly name: string,
    readonly dtype: TorchDtype,
  ) {}
}

const STORAGE_TYPES = new Map(Object.entries(STORAGE_DTYPES).map(([name, dtype]) => [name, new StorageType(name, dtype)]));

const orderedDict: PickleGlobal = {
  module: 'collections',
  name: 'OrderedDict',
  call(args) {
    // Items arrive afterwards through SETITEMS, as OrderedDict.__reduce__ arranges.
    if (args.length !== 0) throw new PickleValueError(`expected no arguments, found ${args.length}`);
    return new Map();
  },
};

/** `_rebuild_tensor(storage, storage_offset, size, stride)`, torch 0.1-0.3. */
const rebuildTensor: PickleGlobal = {
  module: 'torch._utils',
  name: '_rebuild_tensor',
  call: (args) => tensorFromArgs(args, 4, 4),
};

/**
 * `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
 * backward_hooks[, metadata])`, torch >= 0.4. Autograd flags and hooks mean
 * nothing to a weights reader and are dropped.
 */
const rebuildTensorV2: PickleGlobal = {
  module: 'torch._utils',
  name: '_rebuild_tensor_v2',
  call: (args) => tensorFromArgs(args, 6, 7),
};

/** `nn.Parameter(data, requires_grad)` pickled directly (not via state_dict()): just its data. */
function rebuildParameter(name: string, arity: number): PickleGlobal {
  return {
    module: 'torch._utils',
    name,
    call(args) {
      if (args.length !== arity) throw new PickleValueError(`expected ${arity} arguments, found ${args.length}`);
      if (!(args[0] instanceof TorchTensor)) throw new PickleValueError(`expected a tensor as the data, found ${describeValue(args[0])}`);
      return args[0];
    },
  };
}

/** `numpy.dtype(code, align, copy)`; BUILD then sets its byte order. */
const numpyDtype: PickleGlobal = {
  module: 'numpy',
  name: 'dtype',
  call(args) {
    if (typeof args[0] !== 'string') throw new PickleValueError(`expected a type code, found ${describeValue(args[0])}`);
    return new NumpyDtype(args[0]);
  },
  build(target, state) {
    // state = (version, byteorder, subarray, names, fields, elsize, alignment, flags)
    if (!(target instanceof NumpyDtype) || !Array.isArray(state) || typeof state[1] !== 'string') {
      throw new PickleValueError(`expected a dtype state tuple, found ${describeValue(state)}`);
    }
    target.byteOrder = state[1];
  },
};

const NUMPY_CODES: Readonly<Record<string, TorchDtype>> = {
  f2: 'float16', f4: 'float32', f8: 'float64', i1: 'int8', i2: 'int16', i4: 'int32', i8: 'int64', u1: 'uint8', b1: 'bool',
};

/**
 * `numpy.core.multiarray.scalar(dtype, raw)`: a numpy number such as the
 * np.float64 MAE many CSRNet forks store as `best_prec1`. Decoded to a number.
 */
function numpyScalar(module: string): PickleGlobal {
  return {
    module,
    name: 'scalar',
    call(args) {
      const [dtype, raw] = args;
      if (!(dtype instanceof NumpyDtype) || !(raw instanceof Uint8Array)) {
        throw new PickleValueError(`expected (dtype, bytes), found (${describeValue(dtype)}, ${describeValue(raw)})`);
      }
      const torchDtype = NUMPY_CODES[dtype.code];
      if (torchDtype === undefined) throw new PickleValueError(`numpy type ${dtype.code} is not a supported scalar type`);
      if (raw.length !== ITEM_SIZE[torchDtype]) throw new PickleValueError(`a ${dtype.code} scalar needs ${ITEM_SIZE[torchDtype]} bytes, found ${raw.length}`);
      return elementReader(torchDtype, raw, dtype.byteOrder !== '>')(0);
    },
  };
}

/**
 * `_codecs.encode(text, 'latin1')`: how protocol 2 pickles Python 3 bytes
 * (a numpy scalar's raw value). Only latin1, which maps chars to bytes 1:1.
 */
const codecsEncode: PickleGlobal = {
  module: '_codecs',
  name: 'encode',
  call(args) {
    const [text, encoding] = args;
    if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) {
      throw new PickleValueError(`only encode(str, 'latin1') is allowed, found encoding ${describeValue(encoding)}`);
    }
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0xff) throw new PickleValueError(`character U+${code.toString(16)} is not latin1`);
      out[i] = code;
    }
    return out;
  },
};

const ALLOWED = new Map<string, PickleGlobal>([
  ['collections.OrderedDict', orderedDict],
  ['torch._utils._rebuild_tensor', rebuildTensor],
  ['torch._utils._rebuild_tensor_v2', rebuildTensorV2],
  ['torch._utils._rebuild_parameter', rebuildParameter('_rebuild_parameter', 3)],
  ['torch._utils._rebuild_parameter_with_state', rebuildParameter('_rebuild_parameter_with_state', 4)],
  ['numpy.dtype', numpyDtype],
  ['numpy.core.multiarray.scalar', numpyScalar('numpy.core.multiarray')],
  ['numpy._core.multiarray.scalar', numpyScalar('numpy._core.multiarray')],
  ['_codecs.encode', codecsEncode],
]);

/**
 * The allow-list for checkpoint pickles: everything `torch.save` of a
 * state_dict or training checkpoint needs, and nothing that can run code.
 */
export function resolveTorchGlobal(module: string, name: string): PickleGlobal | undefined {
  if (module === 'torch') return STORAGE_TYPES.get(name);
  return ALLOWED.get(`${module}.${name}`);
}

/**
 * A tensor's layout, checked against its storage: every element it reads
 * lies inside. How many float32 values views (stride 0 above all) may add
 * up to is bounded over the whole file, when readTorchCheckpoint converts.
 */
function tensorFromArgs(args: unknown[], minArity: number, maxArity: number): TorchTensor {
  if (args.length < minArity || args.length > maxArity) {
    throw new PickleValueError(`expected ${minArity === maxArity ? minArity : `${minArity}-${maxArity}`} arguments, found ${args.length}`);
  }
  const [view, offset, shape, stride] = args;
  if (!(view instanceof StorageView)) throw new PickleValueError(`expected a storage as the first argument, found ${describeValue(view)}`);
  if (!isCount(offset)) throw new PickleValueError(`expected a storage offset, found ${describeValue(offset)}`);
  if (!Array.isArray(shape) || !shape.every(isCount)) throw new PickleValueError(`expected a size tuple of non-negative integers, found ${describeValue(shape)}`);
  if (!Array.isArray(stride) || stride.length !== shape.length || !stride.every(isCount)) {
    throw new PickleValueError(`expected ${shape.length} non-negative strides, found ${describeValue(stride)}`);
  }
  let numel = 1;
  let last = offset;
  for (let d = 0; d < shape.length; d++) {
    numel *= shape[d];
    if (shape[d] > 0) last += (shape[d] - 1) * stride[d];
  }
  if (!Number.isSafeInteger(numel) || !Number.isSafeInteger(last)) throw new PickleValueError(`size ${JSON.stringify(shape)} is too large`);
  if (numel > 0 && last >= view.numel) {
    throw new PickleValueError(
      `a tensor of size [${shape.join(', ')}], stride [${stride.join(', ')}] at offset ${offset} reaches element ${last}, past the end of its ${view.numel}-element storage`,
    );
  }
  return new TorchTensor(view, offset, shape, stride);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
