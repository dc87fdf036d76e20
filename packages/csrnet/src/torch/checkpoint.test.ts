import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fixture } from '@crowd/test-utils';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CsrnetError } from '../errors.js';
import type { NamedTensor } from '../named-tensors.js';
import { readTorchCheckpoint, type TorchCheckpoint } from './checkpoint.js';
import { momentumBuffersByName } from './momentum-buffers.js';
import { errorOf } from '../../test/csrnet-error.js';

const FIXTURES = new URL('../../test/fixtures/torch/', import.meta.url);
const local = (name: string): Uint8Array => readFileSync(new URL(name, FIXTURES));

interface ExpectedTensor {
  shape: number[];
  /** float32 values; non-finite ones as "Infinity", "-Infinity", "NaN". */
  values: Array<number | string>;
}
interface ExpectedCheckpoint {
  format: 'legacy' | 'zip';
  stateDict: Record<string, ExpectedTensor>;
  skipped: Array<{ name: string; dtype: string }>;
  keysInFile?: string[];
  epoch?: number;
  bestPrec1?: number;
  arch?: string;
  paramGroups?: unknown[];
  momentumBuffersByName?: Record<string, ExpectedTensor>;
}
const expected = JSON.parse(readFileSync(new URL('expected.json', FIXTURES), 'utf8')) as Record<string, ExpectedCheckpoint> & { _pwnedMarker: string };

function expectTensor(actual: NamedTensor | undefined, want: ExpectedTensor, name: string): void {
  expect(actual, name).toBeDefined();
  expect(actual!.shape, name).toEqual(want.shape);
  // Object.is keeps -0 and NaN honest; toEqual on numbers would blur them.
  const mismatched = want.values.map(Number).flatMap((value, i) => (Object.is(actual!.data[i], value) ? [] : [[i, actual!.data[i], value]]));
  expect(mismatched, name).toEqual([]);
  expect(actual!.data.length, name).toBe(want.values.length);
}

function expectStateDict(actual: TorchCheckpoint['stateDict'], want: Record<string, ExpectedTensor>): void {
  expect([...actual.keys()]).toEqual(Object.keys(want));
  for (const [name, tensor] of Object.entries(want)) expectTensor(actual.get(name), tensor, name);
}

describe('readTorchCheckpoint on the reference CSRNet checkpoints', () => {
  const manifest = JSON.parse(readFileSync(fixture('csrnet', 'weights.json'), 'utf8')) as {
    tensors: Array<{ name: string; shape: number[]; offset: number; nbytes: number }>;
  };
  const weightsBin = readFileSync(fixture('csrnet', 'weights.bin'));
  const momentum = JSON.parse(readFileSync(new URL('csrnet-momentum-buffers.json', FIXTURES), 'utf8')) as {
    param_groups: Array<{ lr: number; momentum: number; dampening: number; weight_decay: number; nesterov: boolean; params: number[] }>;
    buffers: Array<{ index: number; name: string; shape: number[]; sha256: string; sum: number; first: number[] }>;
  };
  const bytesOf = (tensor: NamedTensor): Uint8Array => new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);

  it.each([
    ['legacy', 'legacy'],
    ['legacy-cuda-tagged', 'legacy'],
    ['zip', 'zip'],
  ] as const)('%s/model_best.pth.tar loads to exactly the fixture weights and optimizer state', (folder, format) => {
    const path = fixture('csrnet', folder, 'model_best.pth.tar');
    const checkpoint = readTorchCheckpoint(readFileSync(path), path);
    expect(checkpoint.format).toBe(format);
    expect([...checkpoint.stateDict.keys()]).toEqual(manifest.tensors.map((t) => t.name));
    for (const t of manifest.tensors) {
      const tensor = checkpoint.stateDict.get(t.name)!;
      expect(tensor.shape, t.name).toEqual(t.shape);
      expect(Buffer.compare(bytesOf(tensor), weightsBin.subarray(t.offset, t.offset + t.nbytes)), t.name).toBe(0);
    }
    expect(checkpoint.skippedTensors).toEqual([]);
    expect(checkpoint.epoch).toBe(1);
    expect(checkpoint.bestPrec1).toBe(Math.fround(123.456));
    expect(checkpoint.arch).toBeNull();

    const optimizer = checkpoint.optimizer!;
    expect(optimizer.kind).toBe('sgd');
    expect(optimizer.paramGroups).toEqual(
      momentum.param_groups.map((g) => ({ lr: g.lr, momentum: g.momentum, dampening: g.dampening, weightDecay: g.weight_decay, nesterov: g.nesterov, params: g.params })),
    );
    expect(optimizer.paramGroups[0]).toMatchObject({ lr: 1e-7, momentum: 0.95, weightDecay: 5e-4 });
    expect([...optimizer.momentumBuffers.keys()]).toEqual(momentum.buffers.map((b) => b.index));
    expect(optimizer.momentumBuffers.size).toBe(34);
    for (const b of momentum.buffers) {
      const buffer = optimizer.momentumBuffers.get(b.index)!;
      expect(buffer.shape, b.name).toEqual(b.shape);
      expect(createHash('sha256').update(bytesOf(buffer)).digest('hex'), b.name).toBe(b.sha256);
      expect(Array.from(buffer.data.subarray(0, b.first.length)), b.name).toEqual(b.first);
    }

    const byName = momentumBuffersByName(checkpoint, path);
    expect([...byName.keys()]).toEqual(momentum.buffers.map((b) => b.name));
    expect(byName.get('output_layer.bias')).toBe(optimizer.momentumBuffers.get(33));
  });
});

describe('readTorchCheckpoint on files written by torch 1.13', () => {
  const cases = Object.keys(expected).filter((name) => !name.startsWith('_'));

  it.each(cases)('%s', (name) => {
    const want = expected[name];
    const checkpoint = readTorchCheckpoint(local(name), name);
    expect(checkpoint.format).toBe(want.format);
    expectStateDict(checkpoint.stateDict, want.stateDict);
    expect(checkpoint.skippedTensors).toEqual(want.skipped);
    expect(checkpoint.epoch).toBe(want.epoch);
    expect(checkpoint.bestPrec1).toBe(want.bestPrec1);
    expect(checkpoint.arch).toBe(want.arch);
    if (want.paramGroups === undefined) {
      expect(checkpoint.optimizer).toBeUndefined();
    } else {
      expect(checkpoint.optimizer!.paramGroups).toEqual(want.paramGroups);
      const byName = momentumBuffersByName(checkpoint, name);
      expectStateDict(byName, want.momentumBuffersByName!);
    }
  });

  it('strips the DataParallel "module." prefix only because every key has it', () => {
    expect(expected['dataparallel.pth'].keysInFile!.every((key) => key.startsWith('module.'))).toBe(true);
    expect([...readTorchCheckpoint(local('dataparallel.pth')).stateDict.keys()].some((key) => key.startsWith('module.'))).toBe(false);
  });

  it('leaves out optimizers other than SGD (Adam has no momentum buffers to carry over)', () => {
    const checkpoint = readTorchCheckpoint(local('adam.pth'), 'adam.pth');
    expect(checkpoint.optimizer).toBeUndefined();
    expect(errorOf(() => momentumBuffersByName(checkpoint, 'adam.pth')).message).toBe('adam.pth: the checkpoint has no SGD optimizer state');
  });

  it('gives views of one storage the same numbers torch does (shared storage, offsets, strides, stride 0)', () => {
    const zip = readTorchCheckpoint(local('views.pth')).stateDict;
    const legacy = readTorchCheckpoint(local('views-legacy.pth')).stateDict;
    expect([...legacy]).toEqual([...zip]);
    expect(zip.get('transposed')!.data).not.toBe(zip.get('base')!.data);
  });
});

describe('readTorchCheckpoint refuses what is not a state_dict checkpoint', () => {
  it('never runs the os.system call in a malicious checkpoint', () => {
    rmSync(expected._pwnedMarker, { force: true });
    const error = errorOf(() => readTorchCheckpoint(local('os-system.pth'), 'os-system.pth'));
    expect(error.code).toBe('PICKLE_UNSUPPORTED');
    expect(error.file).toBe('os-system.pth');
    expect(error.message).toContain('refers to posix.system');
    expect(error.message).toContain('of os-system/data.pkl');
    expect(existsSync(expected._pwnedMarker)).toBe(false);
  });

  it('explains a whole pickled model (torch.save(model))', () => {
    const error = errorOf(() => readTorchCheckpoint(local('whole-model.pth'), 'whole-model.pth'));
    expect(error.code).toBe('PICKLE_UNSUPPORTED');
    expect(error.message).toContain('torch.nn.modules.container.Sequential');
    expect(error.message).toContain('re-save model.state_dict()');
  });

  it('explains a TorchScript archive', () => {
    const error = errorOf(() => readTorchCheckpoint(local('torchscript.pt'), 'torchscript.pt'));
    expect(error.code).toBe('WEIGHTS_FORMAT');
    expect(error.message).toContain('TorchScript archive (torch.jit.save)');
  });
});

describe('readTorchCheckpoint on corrupted files', () => {
  // A tiny deterministic PRNG (mulberry32) so failures reproduce.
  function random(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it.each(['sgd-batchnorm.pth', 'views-legacy.pth', 'views.pth', 'dtypes.pth', 'numpy-scalars.pth'])(
    '%s with random bytes changed either loads or fails with a CsrnetError',
    (name) => {
      const original = local(name);
      const next = random(name.length * 7919);
      const outcomes = { loaded: 0, rejected: 0 };
      for (let trial = 0; trial < 150; trial++) {
        const bytes = original.slice();
        const flips = 1 + Math.floor(next() * 4);
        for (let i = 0; i < flips; i++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
        try {
          readTorchCheckpoint(bytes, name);
          outcomes.loaded++;
        } catch (error) {
          if (!(error instanceof CsrnetError)) throw new Error(`trial ${trial}: ${String(error)}`, { cause: error });
          outcomes.rejected++;
        }
      }
      expect(outcomes.rejected).toBeGreaterThan(0);
    },
  );
});

describe('readTorchCheckpoint on pickles that are not checkpoints', () => {
  /** A zip checkpoint whose data.pkl is the given protocol-2 opcodes (strings are SHORT_BINUNICODE). */
  function checkpointOf(...ops: Array<number | string>): Uint8Array {
    const pickle: number[] = [0x80, 2];
    for (const op of ops) {
      if (typeof op === 'number') pickle.push(op);
      else pickle.push(0x8c, op.length, ...Array.from(op, (ch) => ch.charCodeAt(0)));
    }
    pickle.push(0x2e);
    return zipSync({ 'x/data.pkl': Uint8Array.from(pickle), 'x/version': Uint8Array.of(0x33) });
  }
  const EMPTY_DICT = 0x7d;
  const EMPTY_LIST = 0x5d;
  const SETITEM = 0x73;
  const BININT1 = 0x4b;

  it.each([
    ['a list', checkpointOf(EMPTY_LIST), 'expected a state_dict or a checkpoint dict, found a list of 0'],
    ['an empty dict', checkpointOf(EMPTY_DICT), "expected a state_dict (tensors by name) or a checkpoint dict with a 'state_dict' (or 'model') entry, found a dict with keys (none)"],
    ['a dict of other things', checkpointOf(EMPTY_DICT, 'net', BININT1, 1, SETITEM), "expected a state_dict (tensors by name) or a checkpoint dict with a 'state_dict' (or 'model') entry, found a dict with keys net"],
    ['a state_dict that is not a dict', checkpointOf(EMPTY_DICT, 'state_dict', BININT1, 5, SETITEM), "expected 'state_dict' to be a dict of tensors, found number 5"],
    ["an LWCC 'model' that is not a dict", checkpointOf(EMPTY_DICT, 'model', BININT1, 5, SETITEM), "expected 'model' to be a dict of tensors, found number 5"],
    [
      'a state_dict of numbers',
      checkpointOf(EMPTY_DICT, 'state_dict', EMPTY_DICT, 'w', BININT1, 1, SETITEM, SETITEM),
      'expected the state_dict to map names to tensors, found string w → number 1',
    ],
    [
      'SGD state with bad parameter ids',
      checkpointOf(
        EMPTY_DICT, 'state_dict', EMPTY_DICT, SETITEM,
        'optimizer', EMPTY_DICT, 'state', EMPTY_DICT, SETITEM, 'param_groups', EMPTY_LIST,
        EMPTY_DICT, 'lr', BININT1, 1, SETITEM, 'weight_decay', BININT1, 0, SETITEM, 'momentum', BININT1, 0, SETITEM,
        'dampening', BININT1, 0, SETITEM, 'nesterov', 0x89, SETITEM, 'params', 'all', SETITEM, 0x61, SETITEM, SETITEM,
      ),
      'the SGD optimizer state is malformed: param_groups[0].params is not a list of parameter ids',
    ],
  ])('rejects %s', (_, bytes, message) => {
    const error = errorOf(() => readTorchCheckpoint(bytes, 'x.pth'));
    expect(error.code).toBe('WEIGHTS_FORMAT');
    expect(error.message).toBe(`x.pth: ${message}`);
  });
});

