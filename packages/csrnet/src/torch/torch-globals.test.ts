import { describe, expect, it } from 'vitest';
import { PickleValueError } from './pickle.js';
import { resolveTorchGlobal, StorageType } from './torch-globals.js';
import { NumpyDtype, StorageView, TorchStorage, TorchTensor } from './torch-objects.js';

const call = (module: string, name: string, args: unknown[]): unknown => resolveTorchGlobal(module, name)!.call!(args);
const view = new StorageView(new TorchStorage('0', 'float32', 12), 0, 12);
const hooks = new Map();

describe('resolveTorchGlobal', () => {
  it('allows storage types as values only', () => {
    const type = resolveTorchGlobal('torch', 'HalfStorage');
    expect(type).toBeInstanceOf(StorageType);
    expect(type).toMatchObject({ dtype: 'float16' });
    expect(type!.call).toBeUndefined();
    expect(resolveTorchGlobal('torch', 'ComplexFloatStorage')).toBeUndefined();
    expect(resolveTorchGlobal('torch', 'load')).toBeUndefined();
  });

  it.each([
    ['builtins', 'eval'],
    ['os', 'system'],
    ['torch', 'tensor'],
    ['torch._utils', '_rebuild_qtensor'],
    ['torch.serialization', '_get_layout'],
    ['numpy.core.multiarray', '_reconstruct'],
    ['collections', 'defaultdict'],
  ])('refuses %s.%s', (module, name) => {
    expect(resolveTorchGlobal(module, name)).toBeUndefined();
  });

  it('rebuilds tensors with both signatures, and parameters as their data', () => {
    const v2 = call('torch._utils', '_rebuild_tensor_v2', [view, 2, Object.freeze([2, 3]), Object.freeze([3, 1]), false, hooks]);
    expect(v2).toEqual(new TorchTensor(view, 2, [2, 3], [3, 1]));
    expect(call('torch._utils', '_rebuild_tensor_v2', [view, 0, [4], [1], true, hooks, new Map()])).toBeInstanceOf(TorchTensor);
    expect(call('torch._utils', '_rebuild_tensor', [view, 0, [12], [1]])).toBeInstanceOf(TorchTensor);
    expect(call('torch._utils', '_rebuild_parameter', [v2, true, hooks])).toBe(v2);
    expect(call('torch._utils', '_rebuild_parameter_with_state', [v2, true, hooks, new Map()])).toBe(v2);
  });

  it.each([
    ['too few arguments', [view, 0, [2], [1]], 'expected 6-7 arguments, found 4'],
    ['no storage', ['0', 0, [2], [1], false, hooks], 'expected a storage as the first argument, found string 0'],
    ['a negative offset', [view, -1, [2], [1], false, hooks], 'expected a storage offset, found number -1'],
    ['a fractional size', [view, 0, [1.5], [1], false, hooks], 'expected a size tuple of non-negative integers'],
    ['a stride per missing axis', [view, 0, [2, 2], [1], false, hooks], 'expected 2 non-negative strides'],
    ['a view past the storage', [view, 4, [3, 3], [3, 1], false, hooks], 'reaches element 12, past the end of its 12-element storage'],
    ['a huge size', [view, 0, [2 ** 40, 2 ** 40], [0, 0], false, hooks], 'is too large'],
  ])('rejects _rebuild_tensor_v2 with %s', (_, args, message) => {
    expect(() => call('torch._utils', '_rebuild_tensor_v2', args)).toThrow(new PickleValueError(message).message);
    expect(() => call('torch._utils', '_rebuild_tensor_v2', args)).toThrow(PickleValueError);
  });

  it('allows empty tensors and broadcasts (readTorchCheckpoint bounds their total)', () => {
    expect(call('torch._utils', '_rebuild_tensor_v2', [view, 0, [2 ** 25], [0], false, hooks])).toBeInstanceOf(TorchTensor);
    expect(call('torch._utils', '_rebuild_tensor_v2', [view, 12, [0, 5], [5, 1], false, hooks])).toBeInstanceOf(TorchTensor);
    expect(call('torch._utils', '_rebuild_tensor_v2', [view, 11, [1000, 1], [0, 1], false, hooks])).toBeInstanceOf(TorchTensor);
  });

  it('decodes numpy scalars of either byte order', () => {
    const dtype = call('numpy', 'dtype', ['f8', false, true]) as NumpyDtype;
    resolveTorchGlobal('numpy', 'dtype')!.build!(dtype, Object.freeze([3, '>', null, null, null, -1, -1, 0]));
    const raw = call('_codecs', 'encode', ['\x40\x09\x21\xfb\x54\x44\x2d\x18', 'latin1']);
    expect(call('numpy.core.multiarray', 'scalar', [dtype, raw])).toBe(Math.PI);
    const int8 = new NumpyDtype('i8');
    expect(call('numpy._core.multiarray', 'scalar', [int8, Uint8Array.of(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)])).toBe(-2);
  });

  it.each([
    [[new NumpyDtype('c16'), new Uint8Array(16)], 'numpy type c16 is not a supported scalar type'],
    [[new NumpyDtype('f4'), new Uint8Array(8)], 'a f4 scalar needs 4 bytes, found 8'],
    [['f4', new Uint8Array(4)], 'expected (dtype, bytes)'],
  ])('rejects a bad numpy scalar: %#', (args, message) => {
    expect(() => call('numpy.core.multiarray', 'scalar', args)).toThrow(message);
  });

  it('encodes only latin1', () => {
    expect(() => call('_codecs', 'encode', ['x', 'utf-8'])).toThrow("only encode(str, 'latin1') is allowed");
    expect(() => call('_codecs', 'encode', ['\u20ac', 'latin1'])).toThrow('character U+20ac is not latin1');
  });

  it('makes an OrderedDict only from no arguments (items come by SETITEMS)', () => {
    expect(call('collections', 'OrderedDict', [])).toEqual(new Map());
    expect(() => call('collections', 'OrderedDict', [[]])).toThrow('expected no arguments, found 1');
  });
});
