import { CsrnetError } from './errors.js';
import { formatCount } from './limits.js';

/** Bytes per element of each dtype tfjs writes to weight files (`string` has no fixed size and is refused). */
const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
/** A quantised weight stores its `quantization.dtype` instead. */
const QUANTIZED_BYTES: Readonly<Record<string, number>> = { uint8: 1, uint16: 2, float16: 2 };

/**
 * Checks the weight entries of a tfjs `model.json` (one manifest group's
 * `weights`, or the flat `weightSpecs` of loaded artifacts) and returns how
 * many bytes of weight data they declare. Each problem is a
 * `CsrnetError('WEIGHTS_FORMAT')` saying which entry and what is wrong: a
 * shape that is a string or holds negative, fractional or absurd
 * dimensions, an element count beyond what any file holds, an unknown dtype.
 * `label` names the list in messages (`weightsManifest[0].weights`).
 */
export function weightSpecBytes(specs: unknown, source: string | undefined, label: string): number {
  if (!Array.isArray(specs)) throw new CsrnetError('WEIGHTS_FORMAT', source, `${label}: expected a list of weight entries, found ${describe(specs)}`);
  let total = 0;
  specs.forEach((spec: unknown, i) => {
    const entry = (spec ?? {}) as { name?: unknown; shape?: unknown; dtype?: unknown; quantization?: { dtype?: unknown } };
    const where = `${label}[${i}]${typeof entry.name === 'string' ? ` (${entry.name.slice(0, 80)})` : ''}`;
    const bad = (what: string): never => {
      throw new CsrnetError('WEIGHTS_FORMAT', source, `${where}: ${what}`);
    };
    if (typeof spec !== 'object' || spec === null) bad(`expected a weight entry {name, shape, dtype}, found ${describe(spec)}`);
    if (typeof entry.name !== 'string' || entry.name === '') bad(`expected a non-empty "name", found ${describe(entry.name)}`);
    if (!Array.isArray(entry.shape)) bad(`"shape" must be a list of dimensions such as [3, 3, 3, 64], found ${describe(entry.shape)}`);
    const shape = entry.shape as unknown[];
    let elements = 1;
    shape.forEach((d, axis) => {
      if (typeof d !== 'number' || !Number.isInteger(d)) bad(`dimension ${axis} of "shape" must be a whole number, found ${describe(d)}`);
      if ((d as number) < 0) bad(`dimension ${axis} of "shape" is ${d}; dimensions cannot be negative`);
      elements *= d as number;
    });
    const dtype = entry.quantization === undefined ? entry.dtype : entry.quantization?.dtype;
    const bytes = entry.quantization === undefined ? DTYPE_BYTES[String(dtype)] : QUANTIZED_BYTES[String(dtype)];
    if (typeof dtype !== 'string' || bytes === undefined) {
      const known = Object.keys(entry.quantization === undefined ? DTYPE_BYTES : QUANTIZED_BYTES).join(', ');
      bad(`${entry.quantization === undefined ? '"dtype"' : '"quantization.dtype"'} must be one of ${known}, found ${describe(dtype)}`);
    }
    if (!Number.isSafeInteger(elements * bytes)) {
      bad(`shape [${shape.join(', ')}] has ${elements.toPrecision(3)} elements, more than any weights file can hold`);
    }
    total += elements * bytes;
    if (!Number.isSafeInteger(total)) bad(`the weights up to this one declare ${total.toPrecision(3)} bytes, more than any weights file can hold`);
  });
  return total;
}

/**
 * The message for weight data of the wrong length: truncated when short,
 * from another save (or an edited model.json) when long.
 */
export function weightBytesMismatch(what: string, found: number, declared: number, tensors: number): string {
  const base = `${what} holds ${formatCount(found)} bytes, but the manifest declares ${formatCount(declared)} for ${tensors} tensors`;
  return found < declared
    ? `${base}: ${formatCount(declared - found)} bytes are missing — the file is truncated (an interrupted download or copy?)`
    : `${base}: ${formatCount(found - declared)} bytes too many — the weights come from another save, or model.json was edited`;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value === null || typeof value !== 'object') return String(value);
  return 'an object';
}
