import { CsrnetError } from '../errors.js';
import { formatCount, limitExceeded, MODEL_FILE_LIMITS, type ResolvedModelFileLimits } from '../limits.js';

/**
 * A global (`module.name`) the caller chose to allow. `call` is what REDUCE
 * and NEWOBJ run with the unpickled arguments; a global without `call` may
 * only be passed around as a value (torch's storage types are such tokens).
 */
export interface PickleGlobal {
  readonly module: string;
  readonly name: string;
  call?(args: unknown[]): unknown;
  /** BUILD on an object this global made: `__setstate__`. Absent means BUILD is refused. */
  build?(target: unknown, state: unknown): void;
}

/**
 * Thrown by a {@link PickleGlobal}'s `call`/`build` (or `persistentLoad`) when
 * its arguments are not what the format allows; the VM turns it into a
 * CsrnetError that names the global and the byte offset.
 */
export class PickleValueError extends Error {
  override name = 'PickleValueError';
}

export interface UnpickleOptions {
  /** The file name used in error messages. */
  source?: string;
  /** The allow-list: a global for `module.name`, or undefined to refuse it. */
  resolveGlobal(module: string, name: string): PickleGlobal | undefined;
  /** BINPERSID: turns a persistent id (torch's storage tuples) into a value. */
  persistentLoad?(pid: unknown): unknown;
  /** Which part of the file the pickle is (`archive/data.pkl`), for error messages. */
  part?: string;
  /** Length, value, stack, MARK and memo budgets. @default MODEL_FILE_LIMITS */
  limits?: PickleLimits;
}

/** The budgets of {@link ResolvedModelFileLimits} that bound one pickle. */
export type PickleLimits = Pick<ResolvedModelFileLimits, 'maxPickleBytes' | 'maxPickleValues' | 'maxPickleStack' | 'maxPickleMarks' | 'maxPickleMemo'>;

export interface UnpickleResult {
  value: unknown;
  /** Offset just past the STOP opcode, where a following pickle would start. */
  end: number;
}

const MARK = 0x28;
const STOP = 0x2e;

const OPCODE_NAMES: Record<number, string> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT', 0x49: 'INT',
  0x4a: 'BININT', 0x4b: 'BININT1', 0x4c: 'LONG', 0x4d: 'BININT2', 0x4e: 'NONE', 0x50: 'PERSID',
  0x51: 'BINPERSID', 0x52: 'REDUCE', 0x53: 'STRING', 0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING',
  0x56: 'UNICODE', 0x58: 'BINUNICODE', 0x61: 'APPEND', 0x62: 'BUILD', 0x63: 'GLOBAL', 0x64: 'DICT',
  0x7d: 'EMPTY_DICT', 0x65: 'APPENDS', 0x67: 'GET', 0x68: 'BINGET', 0x69: 'INST', 0x6a: 'LONG_BINGET',
  0x6c: 'LIST', 0x5d: 'EMPTY_LIST', 0x6f: 'OBJ', 0x70: 'PUT', 0x71: 'BINPUT', 0x72: 'LONG_BINPUT',
  0x73: 'SETITEM', 0x74: 'TUPLE', 0x29: 'EMPTY_TUPLE', 0x75: 'SETITEMS', 0x47: 'BINFLOAT', 0x80: 'PROTO',
  0x81: 'NEWOBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x85: 'TUPLE1', 0x86: 'TUPLE2', 0x87: 'TUPLE3',
  0x88: 'NEWTRUE', 0x89: 'NEWFALSE', 0x8a: 'LONG1', 0x8b: 'LONG4', 0x42: 'BINBYTES', 0x43: 'SHORT_BINBYTES',
  0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8', 0x8e: 'BINBYTES8', 0x8f: 'EMPTY_SET', 0x90: 'ADDITEMS',
  0x91: 'FROZENSET', 0x92: 'NEWOBJ_EX', 0x93: 'STACK_GLOBAL', 0x94: 'MEMOIZE', 0x95: 'FRAME',
  0x96: 'BYTEARRAY8', 0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * A pickle VM for the subset of protocols 2-5 that `torch.save` emits. It
 * never imports or runs anything: every GLOBAL must be granted by
 * `resolveGlobal`, and a refused one is a PICKLE_UNSUPPORTED error naming it.
 * Work is linear in the input (each opcode consumes at least one byte, no
 * opcode copies more than the stack it pops), so malformed input cannot hang,
 * and memory is bounded by `limits`: the pickle's length, the values it
 * creates, its stack, open MARKs and memo, each a `LIMIT_EXCEEDED` error.
 *
 * Values are plain JS: None → null, bool → boolean, int → number (bigint
 * beyond 2^53), float → number, str → string, bytes → Uint8Array, list →
 * array, tuple → frozen array, dict → Map (keys keep their pickled types, so
 * an optimizer's `state` is keyed by numbers).
 */
export function unpickle(input: Uint8Array, start: number, options: UnpickleOptions): UnpickleResult {
  const source = options.source;
  const where = (): string => (options.part === undefined ? `byte ${at}` : `byte ${at} of ${options.part}`);
  // A Node Buffer's slice() shares memory; a plain Uint8Array's copies, as BINBYTES needs.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  // The globals this run resolved: only these may be called, so a dict that
  // merely looks like a PickleGlobal cannot be.
  const resolved = new WeakSet<PickleGlobal>();
  // Which global made each object, so BUILD goes to that global's `build`.
  const madeBy = new WeakMap<object, PickleGlobal>();
  let pos = start;
  let at = start;
  const limits = options.limits ?? MODEL_FILE_LIMITS;
  // The pickle may not extend past this byte, wherever the input ends.
  const limitEnd = start + limits.maxPickleBytes;
  let created = 0;
  const pickleName = options.part !== undefined || start === 0 ? 'the pickle' : `the pickle that starts at byte ${start}`;
  const overLimit = (what: string, limit: keyof PickleLimits): never => {
    throw limitExceeded(source, `${pickleName} ${what} by ${where()}`, limit, limits[limit], limits[limit] + 1);
  };

  const fail = (message: string): never => {
    throw new CsrnetError('WEIGHTS_FORMAT', source, `malformed pickle at ${where()}: ${message}`);
  };
  const truncated = (what: string): never => {
    throw new CsrnetError(
      'WEIGHTS_FORMAT',
      source,
      `the file ends inside a pickle (${what} at ${where()}) — it is truncated; was the download or copy interrupted?`,
    );
  };
  const need = (n: number, what: string): void => {
    if (n > bytes.length - pos) truncated(`${what} needs ${n} bytes, ${bytes.length - pos} remain`);
    if (pos + n > limitEnd) overLimit(`is longer than ${formatCount(pos + n - start)} bytes (${what} needs ${n})`, 'maxPickleBytes');
  };
  const u8 = (): number => {
    need(1, 'an opcode argument');
    return bytes[pos++];
  };
  const u16 = (): number => {
    need(2, 'an opcode argument');
    pos += 2;
    return view.getUint16(pos - 2, true);
  };
  const u32 = (): number => {
    need(4, 'an opcode argument');
    pos += 4;
    return view.getUint32(pos - 4, true);
  };
  const take = (n: number, what: string): Uint8Array => {
    need(n, what);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  const line = (what: string): string => {
    const end = bytes.subarray(0, Math.min(bytes.length, limitEnd)).indexOf(0x0a, pos);
    if (end < 0) {
      if (bytes.indexOf(0x0a, limitEnd) >= 0) overLimit(`is longer than ${formatCount(limits.maxPickleBytes)} bytes (${what} has no end of line before it)`, 'maxPickleBytes');
      truncated(`${what} has no end of line`);
    }
    const text = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  const text = (n: number, what: string): string => {
    const raw = take(n, what);
    try {
      return utf8.decode(raw);
    } catch {
      return fail('a string is not valid UTF-8');
    }
  };
  const pop = (): unknown => {
    if (stack.length <= (marks.at(-1) ?? 0)) fail('stack underflow');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length <= (marks.at(-1) ?? 0)) fail('stack underflow');
    return stack[stack.length - 1];
  };
  const push = (value: unknown): void => {
    if (stack.length >= limits.maxPickleStack) overLimit(`has more than ${formatCount(limits.maxPickleStack)} values on its stack`, 'maxPickleStack');
    stack.push(value);
  };
  /** Pushes a value this opcode allocated (a container, string or object), which the value budget counts. */
  const create = (value: unknown): void => {
    if (++created > limits.maxPickleValues) overLimit(`creates more than ${formatCount(limits.maxPickleValues)} values (containers, strings, objects)`, 'maxPickleValues');
    push(value);
  };
  const memoPut = (index: number, value: unknown): void => {
    if (memo.size >= limits.maxPickleMemo && !memo.has(index)) overLimit(`stores more than ${formatCount(limits.maxPickleMemo)} memo entries`, 'maxPickleMemo');
    memo.set(index, value);
  };
  const popMark = (): unknown[] => {
    const mark = marks.pop();
    if (mark === undefined) return fail('no MARK before this opcode');
    return stack.splice(mark);
  };
  const memoGet = (index: number): unknown => {
    if (!memo.has(index)) fail(`memo entry ${index} was never stored`);
    return memo.get(index);
  };
  const asMap = (value: unknown, op: string): Map<unknown, unknown> =>
    value instanceof Map ? value : fail(`${op} needs a dict below its items, found ${describeValue(value)}`);
  const asList = (value: unknown, op: string): unknown[] =>
    Array.isArray(value) && !Object.isFrozen(value) ? value : fail(`${op} needs a list below its items, found ${describeValue(value)}`);
  const resolve = (module: string, name: string): PickleGlobal => {
    const global = options.resolveGlobal(module, name);
    if (global === undefined) {
      throw new CsrnetError(
        'PICKLE_UNSUPPORTED',
        source,
        `the pickle at ${where()} refers to ${module}.${name}, which is not on the allow-list of ` +
          `types a weights file needs (OrderedDict, torch tensors and storages, numpy scalars); nothing was run.` +
          hintForGlobal(module, name),
      );
    }
    resolved.add(global);
    return global;
  };
  const callGlobal = (callable: unknown, args: unknown, op: string): unknown => {
    if (typeof callable !== 'object' || callable === null || !resolved.has(callable as PickleGlobal)) {
      return fail(`${op} needs a global to call, found ${describeValue(callable)}`);
    }
    const global = callable as PickleGlobal;
    if (global.call === undefined) {
      throw new CsrnetError('PICKLE_UNSUPPORTED', source, `the pickle at ${where()} calls ${global.module}.${global.name}, which is only allowed as a value`);
    }
    if (!Array.isArray(args)) return fail(`${op} needs an argument tuple, found ${describeValue(args)}`);
    const result = guarded(`${global.module}.${global.name}`, () => global.call!(args));
    if (typeof result === 'object' && result !== null) madeBy.set(result, global);
    return result;
  };
  const guarded = <T>(what: string, run: () => T): T => {
    try {
      return run();
    } catch (error) {
      if (error instanceof PickleValueError) {
        throw new CsrnetError('WEIGHTS_FORMAT', source, `${what} at ${where()}: ${error.message}`);
      }
      throw error;
    }
  };
  const tuple = (items: unknown[]): unknown[] => Object.freeze(items) as unknown[];

  for (;;) {
    at = pos;
    if (pos >= bytes.length || pos >= limitEnd) need(1, 'the next opcode');
    const op = bytes[pos++];
    switch (op) {
      case 0x80: {
        const protocol = u8();
        if (protocol > 5) {
          throw new CsrnetError('PICKLE_UNSUPPORTED', source, `pickle protocol ${protocol} at ${where()} is newer than 5, the newest this reader knows`);
        }
        break;
      }
      case 0x95: // FRAME: a length hint for buffered readers; the framed opcodes follow inline.
        take(8, 'FRAME');
        break;
      case STOP:
        if (marks.length > 0) {
          fail(`STOP with ${formatCount(marks.length)} MARK${marks.length === 1 ? '' : 's'} still open; every MARK must be closed by TUPLE, LIST, DICT, APPENDS or SETITEMS`);
        }
        if (stack.length !== 1) fail(`STOP with ${formatCount(stack.length)} values on the stack, expected exactly 1`);
        return { value: stack[0], end: pos };
      case MARK:
        if (marks.length >= limits.maxPickleMarks) overLimit(`has more than ${formatCount(limits.maxPickleMarks)} MARKs open`, 'maxPickleMarks');
        marks.push(stack.length);
        break;
      case 0x4e: // NONE
        push(null);
        break;
      case 0x88: // NEWTRUE
        push(true);
        break;
      case 0x89: // NEWFALSE
        push(false);
        break;
      case 0x4a: // BININT
        need(4, 'BININT');
        push(view.getInt32(pos, true));
        pos += 4;
        break;
      case 0x4b: // BININT1
        push(u8());
        break;
      case 0x4d: // BININT2
        push(u16());
        break;
      case 0x8a: // LONG1
        push(littleEndianSigned(take(u8(), 'LONG1')));
        break;
      case 0x47: // BINFLOAT: big-endian float64, unlike everything else in a pickle.
        need(8, 'BINFLOAT');
        push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x58: // BINUNICODE
        create(text(u32(), 'BINUNICODE'));
        break;
      case 0x8c: // SHORT_BINUNICODE
        create(text(u8(), 'SHORT_BINUNICODE'));
        break;
      case 0x54: // BINSTRING: Python 2 str; torch 0.x files written under Python 2 have these.
        create(latin1.decode(take(u32(), 'BINSTRING')));
        break;
      case 0x55: // SHORT_BINSTRING
        create(latin1.decode(take(u8(), 'SHORT_BINSTRING')));
        break;
      case 0x42: // BINBYTES
        create(take(u32(), 'BINBYTES').slice());
        break;
      case 0x43: // SHORT_BINBYTES
        create(take(u8(), 'SHORT_BINBYTES').slice());
        break;
      case 0x7d: // EMPTY_DICT
        create(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        create([]);
        break;
      case 0x29: // EMPTY_TUPLE
        create(tuple([]));
        break;
      case 0x74: // TUPLE
        create(tuple(popMark()));
        break;
      case 0x85: // TUPLE1
        create(tuple([pop()]));
        break;
      case 0x86: {
        const b = pop();
        create(tuple([pop(), b]));
        break;
      }
      case 0x87: {
        const c = pop();
        const b = pop();
        create(tuple([pop(), b, c]));
        break;
      }
      case 0x61: {
        // APPEND
        const value = pop();
        asList(top(), 'APPEND').push(value);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = asList(top(), 'APPENDS');
        for (const item of items) list.push(item);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        asMap(top(), 'SETITEM').set(key, value);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        if (items.length % 2 !== 0) fail('SETITEMS with an odd number of items');
        const map = asMap(top(), 'SETITEMS');
        for (let i = 0; i < items.length; i += 2) map.set(items[i], items[i + 1]);
        break;
      }
      case 0x71: // BINPUT
        memoPut(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memoPut(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memoPut(memo.size, top());
        break;
      case 0x68: // BINGET
        push(memoGet(u8()));
        break;
      case 0x6a: // LONG_BINGET
        push(memoGet(u32()));
        break;
      case 0x63: {
        // GLOBAL: "module\nname\n"
        const module = line('GLOBAL');
        push(resolve(module, line('GLOBAL')));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        push(resolve(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        create(callGlobal(pop(), args, 'REDUCE'));
        break;
      }
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args); the allowed classes build in one step.
        const args = pop();
        create(callGlobal(pop(), args, 'NEWOBJ'));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const target = top();
        const made = typeof target === 'object' && target !== null ? madeBy.get(target) : undefined;
        if (made?.build !== undefined) {
          const build = made.build;
          guarded(`${made.module}.${made.name}`, () => build(target, state));
        } else if (target instanceof Map && (state === null || state instanceof Map)) {
          // A dict subclass's attributes (state_dict()'s `_metadata` on its OrderedDict):
          // not part of the mapping, so there is nothing to keep.
        } else {
          throw new CsrnetError('PICKLE_UNSUPPORTED', source, `BUILD at ${where()} sets the state of ${describeValue(target)}, which this reader does not allow`);
        }
        break;
      }
      case 0x51: {
        // BINPERSID
        const pid = pop();
        if (options.persistentLoad === undefined) fail('a persistent id outside a checkpoint');
        create(guarded('persistent id', () => options.persistentLoad!(pid)));
        break;
      }
      default:
        throw new CsrnetError(
          'PICKLE_UNSUPPORTED',
          source,
          `pickle opcode ${OPCODE_NAMES[op] ?? 'unknown'} (0x${op.toString(16).padStart(2, '0')}) at ${where()} is not supported by this reader`,
        );
    }
  }
}

/** Two's-complement little-endian integer, as LONG1 stores it. */
function littleEndianSigned(raw: Uint8Array): number | bigint {
  let value = 0n;
  for (let i = raw.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(raw[i]);
  if (raw.length > 0 && raw[raw.length - 1] & 0x80) value -= 1n << BigInt(raw.length * 8);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** A short name for a value's kind in error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return Object.isFrozen(value) ? `a tuple of ${value.length}` : `a list of ${value.length}`;
  if (value instanceof Map) return `a dict of ${value.size}`;
  if (value instanceof Uint8Array) return `bytes of length ${value.length}`;
  if (typeof value === 'object') {
    const { module, name } = value as Partial<PickleGlobal>;
    if (typeof module === 'string' && typeof name === 'string') return `${module}.${name}`;
    return value.constructor?.name ?? 'an object';
  }
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

/** Why a refused global is there, for the globals people actually meet. */
function hintForGlobal(module: string, name: string): string {
  if (module.startsWith('torch.nn.modules') || module === '__main__' || module === '__torch__') {
    return ` The file pickles a whole model object (torch.save(model)); load it in Python and re-save model.state_dict() instead.`;
  }
  if (module === 'numpy.core.multiarray' && name === '_reconstruct') {
    return ' The file stores numpy arrays; convert them to torch tensors before saving.';
  }
  return '';
}
