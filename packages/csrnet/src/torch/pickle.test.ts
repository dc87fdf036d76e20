import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { CsrnetError } from '../errors.js';
import { PickleValueError, unpickle, type PickleGlobal, type UnpickleOptions } from './pickle.js';
import { resolveTorchGlobal } from './torch-globals.js';

const FIXTURES = new URL('../../test/fixtures/torch/', import.meta.url);

/** Builds a pickle from opcodes (numbers), raw byte arrays and latin1 strings. */
function bytesOf(...parts: Array<number | number[] | string>): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === 'number') out.push(part);
    else if (typeof part === 'string') for (const ch of part) out.push(ch.charCodeAt(0));
    else out.push(...part);
  }
  return Uint8Array.from(out);
}
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
const shortStr = (s: string): Array<number | string> => [0x8c, s.length, s]; // SHORT_BINUNICODE (ASCII)
const PROTO2 = [0x80, 2];
const STOP = 0x2e;

const refuseAll: UnpickleOptions = { resolveGlobal: () => undefined };

function load(bytes: Uint8Array, options: UnpickleOptions = refuseAll): unknown {
  return unpickle(bytes, 0, { source: 'test.pkl', ...options }).value;
}

function errorOf(run: () => unknown): CsrnetError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CsrnetError);
    return error as CsrnetError;
  }
  throw new Error('expected a CsrnetError');
}

describe('unpickle on pickles written by CPython', () => {
  // What `pickle.dump(value)` in make_fixtures.py wrote, in this VM's representation.
  const tuple = (...items: unknown[]): unknown[] => Object.freeze(items) as unknown[];
  const shared = ['shared'];
  const expected = new Map<unknown, unknown>([
    ['ints', [0, 1, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, 2n ** 53n + 1n, -(2n ** 63n)]],
    ['floats', [0.5, -1e-300, 1e300]],
    ['strings', ['', 'ascii', 'café € 😀']],
    ['bytes', Uint8Array.of(0, 255)],
    ['tuples', tuple(1, tuple(2, 3), tuple(), tuple(4), tuple(5, 6, 7, 8))],
    ['lists', [[], [null, true, false]]],
    ['dict', new Map<unknown, unknown>([[1, 'one'], ['two', 2]])],
    ['memo', [shared, shared]],
  ]);

  it.each([2, 4])('reads protocol %i (memo, frames, bytes via _codecs.encode or SHORT_BINBYTES)', (protocol) => {
    const bytes = readFileSync(new URL(`values-protocol${protocol}.pkl`, FIXTURES));
    const { value, end } = unpickle(bytes, 0, { resolveGlobal: resolveTorchGlobal });
    expect(end).toBe(bytes.length);
    expect(value).toEqual(expected);
    const memo = (value as Map<string, unknown[]>).get('memo')!;
    expect(memo[0]).toBe(memo[1]); // BINGET returns the same object, not a copy
    expect(Object.isFrozen((value as Map<string, unknown>).get('tuples'))).toBe(true);
    expect(Object.isFrozen((value as Map<string, unknown>).get('lists'))).toBe(false);
  });
});

describe('unpickle opcodes torch files use', () => {
  it('reads Python 2 strings (BINSTRING, SHORT_BINSTRING) as latin1', () => {
    const bytes = bytesOf(PROTO2, 0x5d, 0x28, 0x54, u32(2), 'h\xe9', 0x55, 1, 'x', 0x65, STOP);
    expect(load(bytes)).toEqual(['hé', 'x']);
  });

  it('reads BINBYTES, TUPLE3, LONG_BINPUT/LONG_BINGET and an empty LONG1', () => {
    const bytes = bytesOf(PROTO2, 0x42, u32(2), [1, 2], 0x72, u32(70000), 0x8a, 0, 0x6a, u32(70000), 0x87, STOP);
    expect(load(bytes)).toEqual([Uint8Array.of(1, 2), 0, Uint8Array.of(1, 2)]);
  });

  it('calls allowed globals for REDUCE and NEWOBJ, and routes BUILD to the global that made the object', () => {
    const made: Array<{ args: unknown[]; state?: unknown }> = [];
    const point: PickleGlobal = {
      module: 'geometry',
      name: 'Point',
      call: (args) => {
        const object = { args };
        made.push(object);
        return object;
      },
      build: (target, state) => {
        (target as { state?: unknown }).state = state;
      },
    };
    const resolveGlobal = vi.fn((module: string, name: string) => (module === 'geometry' && name === 'Point' ? point : undefined));
    // [Point(1), Point.__new__(Point, 2) with BUILD state 'built'] via GLOBAL and STACK_GLOBAL.
    const bytes = bytesOf(
      PROTO2, 0x5d,
      0x63, 'geometry\nPoint\n', 0x4b, 1, 0x85, 0x52, 0x61,
      ...shortStr('geometry'), ...shortStr('Point'), 0x93, 0x4b, 2, 0x85, 0x81, ...shortStr('built'), 0x62, 0x61,
      STOP,
    );
    expect(load(bytes, { resolveGlobal })).toEqual([{ args: [1] }, { args: [2], state: 'built' }]);
    expect(resolveGlobal.mock.calls).toEqual([['geometry', 'Point'], ['geometry', 'Point']]);
  });

  it("ignores BUILD on a dict with a dict state (state_dict()'s _metadata attribute)", () => {
    const bytes = bytesOf(PROTO2, 0x7d, 0x4b, 1, 0x4b, 2, 0x73, 0x7d, 0x62, STOP);
    expect(load(bytes)).toEqual(new Map([[1, 2]]));
  });

  it('hands persistent ids to persistentLoad', () => {
    const persistentLoad = vi.fn(() => 'storage!');
    const bytes = bytesOf(PROTO2, ...shortStr('key'), 0x85, 0x51, STOP);
    expect(load(bytes, { resolveGlobal: () => undefined, persistentLoad })).toBe('storage!');
    expect(persistentLoad).toHaveBeenCalledWith(['key']);
  });

  it('reports an error from a global as WEIGHTS_FORMAT naming the global and offset', () => {
    const strict: PickleGlobal = {
      module: 'm',
      name: 'strict',
      call: () => {
        throw new PickleValueError('expected no arguments');
      },
    };
    const error = errorOf(() => load(bytesOf(PROTO2, 0x63, 'm\nstrict\n', 0x29, 0x52, STOP), { resolveGlobal: () => strict }));
    expect(error.code).toBe('WEIGHTS_FORMAT');
    expect(error.message).toBe('test.pkl: m.strict at byte 13: expected no arguments');
  });

  it('starts at an offset and reports where the next pickle begins', () => {
    const bytes = bytesOf(PROTO2, 0x4e, STOP, PROTO2, 0x88, STOP);
    const first = unpickle(bytes, 0, refuseAll);
    expect(first).toEqual({ value: null, end: 4 });
    expect(unpickle(bytes, first.end, refuseAll)).toEqual({ value: true, end: 8 });
  });
});

describe('unpickle refuses to run anything', () => {
  it.each([
    ['GLOBAL os.system', bytesOf(PROTO2, 0x63, 'os\nsystem\n', ...shortStr('touch /tmp/x'), 0x85, 0x52, STOP), 'os.system', 2],
    ['GLOBAL posix.system', bytesOf(PROTO2, 0x63, 'posix\nsystem\n', STOP), 'posix.system', 2],
    ['STACK_GLOBAL builtins.eval', bytesOf(0x80, 4, ...shortStr('builtins'), ...shortStr('eval'), 0x93, STOP), 'builtins.eval', 18],
    ['GLOBAL subprocess.Popen', bytesOf(PROTO2, 0x63, 'subprocess\nPopen\n', STOP), 'subprocess.Popen', 2],
  ])('%s → PICKLE_UNSUPPORTED naming it and its offset', (_, bytes, name, offset) => {
    const resolveGlobal = vi.fn(resolveTorchGlobal);
    const error = errorOf(() => load(bytes, { resolveGlobal }));
    expect(error.code).toBe('PICKLE_UNSUPPORTED');
    expect(error.file).toBe('test.pkl');
    expect(error.message).toContain(`refers to ${name},`);
    expect(error.message).toContain(`at byte ${offset}`);
    expect(error.message).toContain('nothing was run');
    expect(resolveGlobal).toHaveBeenCalledTimes(1);
  });

  it('refuses to call a global that is only allowed as a value (a storage type)', () => {
    const error = errorOf(() => load(bytesOf(PROTO2, 0x63, 'torch\nFloatStorage\n', 0x29, 0x52, STOP), { resolveGlobal: resolveTorchGlobal }));
    expect(error.code).toBe('PICKLE_UNSUPPORTED');
    expect(error.message).toContain('calls torch.FloatStorage, which is only allowed as a value');
  });

  it('refuses REDUCE on something that is not a resolved global', () => {
    const fake = bytesOf(PROTO2, 0x7d, ...shortStr('module'), ...shortStr('m'), 0x73, 0x29, 0x52, STOP);
    expect(errorOf(() => load(fake)).message).toContain('REDUCE needs a global to call, found a dict of 1');
  });

  it('refuses BUILD on an object no global claims', () => {
    const error = errorOf(() => load(bytesOf(PROTO2, 0x5d, 0x4b, 1, 0x62, STOP)));
    expect(error.code).toBe('PICKLE_UNSUPPORTED');
    expect(error.message).toContain('BUILD at byte 5 sets the state of a list of 0');
  });

  it.each([
    ['INST (protocol 0 object creation)', 0x69, 'INST (0x69)'],
    ['EXT1 (extension registry)', 0x82, 'EXT1 (0x82)'],
    ['an undefined opcode', 0xff, 'unknown (0xff)'],
  ])('refuses %s as PICKLE_UNSUPPORTED with its offset', (_, op, text) => {
    const error = errorOf(() => load(bytesOf(PROTO2, 0x4e, op, STOP)));
    expect(error.code).toBe('PICKLE_UNSUPPORTED');
    expect(error.message).toBe(`test.pkl: pickle opcode ${text} at byte 3 is not supported by this reader`);
  });

  it('refuses protocols newer than 5', () => {
    expect(errorOf(() => load(bytesOf(0x80, 6, 0x4e, STOP))).code).toBe('PICKLE_UNSUPPORTED');
  });
});

describe('unpickle on malformed input', () => {
  it.each([
    ['a string longer than the file', bytesOf(PROTO2, 0x58, u32(0xffffffff), 'abc'), 'BINUNICODE needs 4294967295 bytes, 3 remain'],
    ['bytes longer than the file', bytesOf(PROTO2, 0x42, u32(10), 'abc'), 'BINBYTES needs 10 bytes, 3 remain'],
    ['a missing STOP', bytesOf(PROTO2, 0x4e), 'the next opcode needs 1 bytes, 0 remain'],
    ['a GLOBAL without its newline', bytesOf(PROTO2, 0x63, 'os'), 'GLOBAL has no end of line'],
    ['a cut BININT', bytesOf(PROTO2, 0x4a, 1, 2), 'BININT needs 4 bytes, 2 remain'],
  ])('%s → WEIGHTS_FORMAT "truncated"', (_, bytes, detail) => {
    const error = errorOf(() => load(bytes));
    expect(error.code).toBe('WEIGHTS_FORMAT');
    expect(error.message).toContain(detail);
    expect(error.message).toContain('truncated');
  });

  it.each([
    ['stack underflow', bytesOf(PROTO2, 0x85, STOP), 'stack underflow'],
    ['popping below a MARK', bytesOf(PROTO2, 0x4e, 0x28, 0x85, STOP), 'stack underflow'],
    ['TUPLE without MARK', bytesOf(PROTO2, 0x74, STOP), 'no MARK before this opcode'],
    ['a memo miss', bytesOf(PROTO2, 0x68, 7, STOP), 'memo entry 7 was never stored'],
    ['two values at STOP', bytesOf(PROTO2, 0x4e, 0x4e, STOP), 'STOP with 2 values on the stack, expected exactly 1'],
    ['an open MARK at STOP', bytesOf(PROTO2, 0x4e, 0x28, STOP), 'STOP with 1 MARK still open; every MARK must be closed by TUPLE, LIST, DICT, APPENDS or SETITEMS'],
    ['SETITEM on a list', bytesOf(PROTO2, 0x5d, 0x4e, 0x4e, 0x73, STOP), 'SETITEM needs a dict'],
    ['APPEND on a tuple', bytesOf(PROTO2, 0x29, 0x4e, 0x61, STOP), 'APPEND needs a list'],
    ['odd SETITEMS', bytesOf(PROTO2, 0x7d, 0x28, 0x4e, 0x75, STOP), 'SETITEMS with an odd number of items'],
    ['invalid UTF-8', bytesOf(PROTO2, 0x8c, 1, [0xff], STOP), 'not valid UTF-8'],
    ['STACK_GLOBAL on non-strings', bytesOf(PROTO2, 0x4e, 0x4e, 0x93, STOP), 'STACK_GLOBAL needs two strings'],
    ['a persistent id outside a checkpoint', bytesOf(PROTO2, 0x4e, 0x51, STOP), 'a persistent id outside a checkpoint'],
  ])('%s → WEIGHTS_FORMAT', (_, bytes, detail) => {
    const error = errorOf(() => load(bytes));
    expect(error.code).toBe('WEIGHTS_FORMAT');
    expect(error.message).toMatch(/^test\.pkl: malformed pickle at byte \d+: /);
    expect(error.message).toContain(detail);
  });

  it('ten million unclosed MARKs: the MARK limit, at once, not a confusing STOP message', () => {
    const bytes = new Uint8Array(10_000_004).fill(0x28);
    bytes.set(PROTO2, 0);
    bytes.set([0x4e, STOP], bytes.length - 2);
    const error = errorOf(() => load(bytes));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toMatch(/^test\.pkl: the pickle has more than 1,000 MARKs open by byte 1002, over the limit limits\.maxPickleMarks = 1,000\. No genuine/);
    const few = bytesOf(PROTO2, 0x28, 0x28, 0x28, 0x4e, STOP);
    expect(errorOf(() => load(few)).message).toContain('STOP with 3 MARKs still open');
  });

  const small = { maxPickleBytes: 64, maxPickleValues: 4, maxPickleStack: 3, maxPickleMarks: 2, maxPickleMemo: 2 };
  it.each([
    ['its length', bytesOf(PROTO2, 0x58, u32(100), 'x'.repeat(100), STOP), 'the pickle is longer than 107 bytes (BINUNICODE needs 100) by byte 2, over the limit limits.maxPickleBytes = 64.'],
    ['its length (opcode by opcode)', bytesOf(PROTO2, 0x4e, ...new Array(40).fill([0x71, 0]).flat()), 'the pickle is longer than 65 bytes (an opcode argument needs 1) by byte 63, over the limit limits.maxPickleBytes = 64.'],
    ['the values it creates', bytesOf(PROTO2, 0x5d, 0x5d, 0x61, 0x5d, 0x61, 0x5d, 0x61, 0x5d, 0x61, STOP), 'the pickle creates more than 4 values (containers, strings, objects) by byte 9, over the limit limits.maxPickleValues = 4.'],
    ['its stack', bytesOf(PROTO2, 0x4e, 0x4e, 0x4e, 0x4e, STOP), 'the pickle has more than 3 values on its stack by byte 5, over the limit limits.maxPickleStack = 3.'],
    ['its open MARKs', bytesOf(PROTO2, 0x28, 0x28, 0x28, STOP), 'the pickle has more than 2 MARKs open by byte 4, over the limit limits.maxPickleMarks = 2.'],
    ['its memo', bytesOf(PROTO2, 0x4e, 0x94, 0x94, 0x71, 1, 0x71, 9, STOP), 'the pickle stores more than 2 memo entries by byte 7, over the limit limits.maxPickleMemo = 2.'],
  ])('bounds %s (LIMIT_EXCEEDED naming the limit and its value)', (_, bytes, message) => {
    const error = errorOf(() => load(bytes, { ...refuseAll, limits: small }));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toContain(`test.pkl: ${message}`);
  });

  it('counts within the limits: overwriting a memo entry is not a new one, numbers are not values', () => {
    const bytes = bytesOf(PROTO2, 0x5d, 0x4b, 1, 0x61, 0x4b, 2, 0x61, 0x4b, 3, 0x61, 0x71, 0, 0x71, 0, 0x71, 1, STOP);
    expect(load(bytes, { ...refuseAll, limits: small })).toEqual([1, 2, 3]);
  });

  it('names the part of the file in offsets', () => {
    const error = errorOf(() => unpickle(bytesOf(PROTO2, 0x85), 0, { ...refuseAll, source: 'm.pth', part: 'm/data.pkl' }));
    expect(error.message).toBe('m.pth: malformed pickle at byte 2 of m/data.pkl: stack underflow');
  });
});
