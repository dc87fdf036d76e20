import { CsrnetError } from './errors.js';
import { formatCount, limitExceeded, resolveModelFileLimits, type ModelFileLimits } from './limits.js';
import type { NamedTensors } from './named-tensors.js';
import { sha256Hex } from './sha256.js';

/** The `csrnet-weights/1` manifest (a `.json` next to a raw `.bin`); see the fixtures README. */
export interface NeutralWeightsManifest {
  format: 'csrnet-weights/1';
  byte_order?: 'little';
  layout?: 'OIHW';
  total_bytes?: number;
  /** SHA-256 of the whole `.bin`, hex. */
  sha256?: string;
  tensors: Array<{ name: string; shape: number[]; dtype: 'float32'; offset: number; nbytes: number; sha256?: string }>;
}

export interface NeutralWeightsOptions {
  /** Names the weights (e.g. the manifest's path) in error messages. */
  source?: string;
  /** `maxExtraElements` bounds tensors that overlap in the `.bin`. @default MODEL_FILE_LIMITS */
  limits?: ModelFileLimits;
}

function parseManifest(manifest: string | object, source: string | undefined): NeutralWeightsManifest {
  let m: unknown = manifest;
  if (typeof manifest === 'string') {
    try {
      m = JSON.parse(manifest);
    } catch (error) {
      throw new CsrnetError('WEIGHTS_FORMAT', source, `expected a JSON csrnet-weights/1 manifest, found unparsable text (${(error as Error).message})`, { cause: error });
    }
  }
  const obj = m as Partial<NeutralWeightsManifest> | null;
  if (typeof obj !== 'object' || obj === null || obj.format !== 'csrnet-weights/1') {
    throw new CsrnetError('WEIGHTS_FORMAT', source, `expected format "csrnet-weights/1", found ${JSON.stringify(obj?.format)}`);
  }
  if (obj.byte_order !== undefined && obj.byte_order !== 'little') throw new CsrnetError('WEIGHTS_FORMAT', source, `expected byte_order "little", found ${JSON.stringify(obj.byte_order)}`);
  if (obj.layout !== undefined && obj.layout !== 'OIHW') throw new CsrnetError('WEIGHTS_FORMAT', source, `expected layout "OIHW", found ${JSON.stringify(obj.layout)}`);
  if (!Array.isArray(obj.tensors)) throw new CsrnetError('WEIGHTS_FORMAT', source, 'expected a "tensors" array');
  return obj as NeutralWeightsManifest;
}

/**
 * Reads the neutral `csrnet-weights/1` format: the parsed or raw manifest
 * JSON and the `.bin` bytes (float32 little-endian, C order, OIHW conv
 * weights) → tensors in manifest order. Checks every entry's dtype, shape,
 * size and bounds and the total size, with `CsrnetError('WEIGHTS_FORMAT')`
 * saying what was expected and found; checksums are left to
 * {@link verifyNeutralWeights}. No file access, so it runs anywhere.
 * Tensors are copied out of `bin`, so entries that overlap may together hold
 * at most `limits.maxExtraElements` values more than `bin` (`LIMIT_EXCEEDED`).
 */
export function readNeutralWeights(manifest: string | object, bin: Uint8Array, options: NeutralWeightsOptions = {}): NamedTensors {
  const { source } = options;
  const { maxExtraElements } = resolveModelFileLimits(options.limits);
  let copied = 0;
  const m = parseManifest(manifest, source);
  if (m.total_bytes !== undefined && m.total_bytes !== bin.length) {
    throw new CsrnetError('WEIGHTS_FORMAT', source, `expected ${m.total_bytes} bytes of weights (total_bytes), found ${bin.length}`);
  }
  const out: NamedTensors = new Map();
  for (const [i, t] of m.tensors.entries()) {
    const where = `tensor ${i} (${typeof t?.name === 'string' ? t.name : 'unnamed'})`;
    if (typeof t?.name !== 'string' || t.name === '') throw new CsrnetError('WEIGHTS_FORMAT', source, `${where}: expected a non-empty name`);
    if (out.has(t.name)) throw new CsrnetError('WEIGHTS_FORMAT', source, `${where}: duplicate name`);
    if (t.dtype !== 'float32') throw new CsrnetError('WEIGHTS_FORMAT', source, `${where}: expected dtype "float32", found ${JSON.stringify(t.dtype)}`);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new CsrnetError('WEIGHTS_FORMAT', source, `${where}: expected a shape of non-negative integers, found ${JSON.stringify(t.shape)?.slice(0, 80)}`);
    }
    const nbytes = 4 * t.shape.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(nbytes)) {
      throw new CsrnetError('WEIGHTS_FORMAT', source, `${where}: shape [${t.shape.join(',')}] needs ${nbytes.toPrecision(3)} bytes, more than any file holds`);
    }
    if (t.nbytes !== nbytes) throw new CsrnetError('WEIGHTS_FORMAT', source, `${where}: shape [${t.shape.join(',')}] needs ${nbytes} bytes, nbytes says ${JSON.stringify(t.nbytes)}`);
    if (!Number.isSafeInteger(t.offset) || t.offset < 0 || t.offset + nbytes > bin.length) {
      throw new CsrnetError('WEIGHTS_FORMAT', source, `${where}: bytes ${t.offset}..${t.offset + nbytes} lie outside the ${bin.length}-byte .bin`);
    }
    copied += nbytes;
    if (copied > bin.length + 4 * maxExtraElements) {
      throw limitExceeded(source, `${where}: the tensors up to this one copy ${formatCount(copied)} bytes out of a ${formatCount(bin.length)}-byte .bin (they overlap)`, 'maxExtraElements', maxExtraElements, Math.ceil((copied - bin.length) / 4));
    }
    // slice() copies into a fresh, 4-byte-aligned buffer; JS engines are little-endian, like the format.
    out.set(t.name, { shape: [...t.shape], data: new Float32Array(bin.slice(t.offset, t.offset + nbytes).buffer) });
  }
  return out;
}

/**
 * Checks the manifest's SHA-256 digests (of the whole `.bin` and of each
 * tensor, where given) against `bin`; `CsrnetError('WEIGHTS_FORMAT')` names
 * the first mismatch with both digests. Resolves `false` without checking
 * where WebCrypto is unavailable, `true` otherwise.
 */
export async function verifyNeutralWeights(manifest: string | object, bin: Uint8Array, options: NeutralWeightsOptions = {}): Promise<boolean> {
  const { source } = options;
  const m = parseManifest(manifest, source);
  const check = async (what: string, expected: string | undefined, bytes: Uint8Array): Promise<boolean> => {
    if (expected === undefined) return true;
    const found = await sha256Hex(bytes);
    if (found === undefined) return false;
    if (found !== expected.toLowerCase()) throw new CsrnetError('WEIGHTS_FORMAT', source, `${what}: expected sha256 ${expected}, found ${found}`);
    return true;
  };
  let checked = await check('.bin', m.sha256, bin);
  for (const t of m.tensors) checked = (await check(t.name, t.sha256, bin.subarray(t.offset, t.offset + t.nbytes))) && checked;
  return checked;
}
