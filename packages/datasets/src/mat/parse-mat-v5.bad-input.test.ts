import { zlibSync } from 'fflate';
import { concatBytes } from '@crowd/test-utils';
import { describe, expect, it } from 'vitest';
import { MatFormatError } from '../errors.js';
import { fixtureBytes } from '../../test/fixtures/mat/expected.js';
import { doubleMatrix, doubles, element, header, matFile, matrix } from '../../test/fixtures/mat/v5-writer.js';
import { parseMatV5 } from './parse-mat-v5.js';

const FILE = 'bad.mat';

/** Parses `bytes` expecting a MatFormatError that names the file and an offset inside it. */
function rejects(bytes: Uint8Array, code?: MatFormatError['code']): MatFormatError {
  let error: unknown;
  try {
    parseMatV5(bytes, FILE);
  } catch (e) {
    error = e;
  }
  if (!(error instanceof MatFormatError)) throw new Error(`expected a MatFormatError, got ${error === undefined ? 'a parsed file' : String(error)}`);
  expect(error.message).toMatch(new RegExp(`^${FILE}: .* \\(at byte offset ${error.offset}\\)$`, 's'));
  expect(error.file).toBe(FILE);
  expect(error.offset).toBeGreaterThanOrEqual(0);
  expect(error.offset).toBeLessThanOrEqual(bytes.length);
  if (code !== undefined) expect(error.code).toBe(code);
  return error;
}

function u32(...values: number[]): Uint8Array {
  return new Uint8Array(Uint32Array.from(values).buffer);
}

/** A compressed element (miCOMPRESSED data is not padded). */
function compressed(data: Uint8Array, byteCount = data.length): Uint8Array {
  return concatBytes(u32(15, byteCount), data);
}

/** Deterministic PRNG (mulberry32), so a failing fuzz case can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parseMatV5 rejects files that are not MAT-files', () => {
  it('an empty file', () => {
    expect(rejects(new Uint8Array(0), 'MAT_TRUNCATED').message).toContain('empty');
  });

  it('a header cut short', () => {
    const full = fixtureBytes('numeric.mat');
    for (const length of [1, 3, 6, 60, 127]) expect(rejects(full.subarray(0, length), 'MAT_TRUNCATED').offset).toBe(length);
  });

  it('a wrong endian indicator', () => {
    const bytes = fixtureBytes('numeric.mat');
    bytes.set([0x58, 0x59], 126);
    const error = rejects(bytes, 'MAT_FORMAT');
    expect(error.offset).toBe(126);
    expect(error.message).toContain('"XY"');
  });

  it.each([
    ['a full page', `<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>${'<p>The requested file was not found.</p>'.repeat(5)}</body></html>\n`],
    ['a short page', '<html><body>Access denied</body></html>'],
  ])('an HTML page saved as .mat (%s)', (_, html) => {
    const error = rejects(new TextEncoder().encode(html), 'MAT_FORMAT');
    expect(error.message).toContain('HTML');
    expect(error.message).toContain('not a MAT-file');
  });

  it('a v4 MAT-file, as unsupported', () => {
    const error = rejects(fixtureBytes('v4.mat'), 'MAT_UNSUPPORTED');
    expect(error.message).toContain("MATLAB v4 MAT-file, which is not supported; re-save it in MATLAB with save(file, '-v7')");
  });

  it('binary data that is not v4 either', () => {
    expect(rejects(new Uint8Array(300), 'MAT_FORMAT').message).toContain('not a MAT-file');
  });

  it('a header claiming v7.3 without HDF5 data, and an unknown version', () => {
    const v73 = matFile();
    v73.set([0x00, 0x02], 124);
    expect(rejects(v73, 'MAT_FORMAT').offset).toBe(124);
    const unknown = matFile();
    unknown.set([0x00, 0x03], 124);
    expect(rejects(unknown, 'MAT_UNSUPPORTED').message).toContain('0x0300');
  });
});

describe('parseMatV5 rejects truncated files', () => {
  it.each(['shanghaitech_n5.mat', 'shanghaitech_n5_z.mat', 'nested.mat', 'nested_z.mat', 'crafted_be.mat', 'sparse.mat'])(
    'every prefix of %s parses (at a variable boundary) or is MAT_TRUNCATED',
    (name) => {
      const full = fixtureBytes(name);
      const all = parseMatV5(full).variables.size;
      let parsedPrefixes = 0;
      for (let length = 0; length < full.length; length++) {
        const prefix = full.slice(0, length);
        try {
          const { variables } = parseMatV5(prefix, FILE);
          expect(variables.size).toBeLessThan(all);
          parsedPrefixes++;
        } catch (error) {
          if (!(error instanceof MatFormatError) || error.code !== 'MAT_TRUNCATED' || !error.message.startsWith(`${FILE}: `)) {
            throw new Error(`prefix of ${length} bytes: ${String(error)}`);
          }
          expect(error.offset).toBeLessThanOrEqual(length);
        }
      }
      expect(parsedPrefixes).toBe(all); // the header alone, then each boundary but the last
    },
  );
});

describe('parseMatV5 rejects corrupt data', () => {
  it('random byte flips give a MatFormatError or a parsed file, never another error or a hang', () => {
    const fixtures = ['shanghaitech_n5.mat', 'shanghaitech_n5_z.mat', 'nested.mat', 'nested_z.mat', 'crafted_be.mat', 'crafted_le.mat', 'numeric_z.mat', 'sparse.mat'].map(fixtureBytes);
    const random = prng(20240601);
    let rejected = 0;
    for (let iteration = 0; iteration < 3000; iteration++) {
      const original = fixtures[iteration % fixtures.length];
      const bytes = original.slice();
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips; f++) {
        // Mostly past the header, where the structure is; sometimes anywhere.
        const pos = random() < 0.9 ? 128 + Math.floor(random() * (bytes.length - 128)) : Math.floor(random() * bytes.length);
        bytes[pos] = random() < 0.5 ? bytes[pos] ^ (1 << Math.floor(random() * 8)) : Math.floor(random() * 256);
      }
      const cut = random() < 0.2 ? Math.floor(random() * bytes.length) : bytes.length;
      try {
        parseMatV5(bytes.subarray(0, cut), FILE);
      } catch (error) {
        if (!(error instanceof MatFormatError) || error.file !== FILE || !(error.offset >= 0 && error.offset <= cut)) {
          throw new Error(`iteration ${iteration}: ${error instanceof Error ? error.stack : String(error)}`);
        }
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(500);
  });

  it('a corrupt zlib stream, with fflate’s error as the cause', () => {
    const bytes = fixtureBytes('shanghaitech_n5_z.mat');
    bytes.fill(0xff, 140, 160);
    const error = rejects(bytes, 'MAT_FORMAT');
    expect(error.offset).toBe(128);
    expect(error.message).toContain('corrupt zlib stream');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('a zlib stream with a bad header', () => {
    const bytes = fixtureBytes('shanghaitech_n5_z.mat');
    bytes[136] = 0x00;
    expect(rejects(bytes, 'MAT_FORMAT').offset).toBe(128);
  });

  it('a zlib stream that ends early', () => {
    const z = zlibSync(doubleMatrix('x', [1, 3], [1, 2, 3]));
    rejects(matFile(compressed(z.subarray(0, z.length - 12))));
  });

  it('a compressed element claiming more bytes than the file has', () => {
    const z = zlibSync(doubleMatrix('x', [1, 1], [1]));
    const error = rejects(matFile(compressed(z, 0xfffffff0)), 'MAT_TRUNCATED');
    expect(error.offset).toBe(128);
    expect(error.message).toContain('4294967280');
  });

  it('a compressed element whose inner element claims a huge size', () => {
    const z = zlibSync(concatBytes(u32(14, 0xffffff00), new Uint8Array(64)));
    expect(rejects(matFile(compressed(z)), 'MAT_FORMAT').message).toContain('compressed bytes can hold');
  });

  it('a compressed element inflating far past what its inner element declares (a zip bomb)', () => {
    // Inflation stops at the 1008 bytes declared: those zeros are not a variable's array flags.
    const z = zlibSync(concatBytes(u32(14, 1000), new Uint8Array(20_000_000)));
    expect(rejects(matFile(compressed(z)), 'MAT_FORMAT').message).toContain('expected array flags as miUINT32, found unknown data type 0');
  });

  it('dims claiming billions of elements', () => {
    expect(rejects(matFile(doubleMatrix('x', [100000, 100000], [1])), 'MAT_FORMAT').message).toContain('10000000000');
    const hugeCell = matrix('c', 1, [0x7fffffff, 0x7fffffff], element(14, new Uint8Array(0)));
    expect(rejects(matFile(hugeCell), 'MAT_FORMAT').message).toContain('cells');
    const fieldless = matrix('s', 2, [0x10000, 0x10000], element(5, u32(32)), element(1, new Uint8Array(0)));
    expect(rejects(matFile(fieldless), 'MAT_FORMAT').message).toContain('no fields');
    const hugeStruct = matrix('s', 2, [0x7fffffff, 3], element(5, u32(8)), element(1, new TextEncoder().encode('a\0\0\0\0\0\0\0')));
    expect(rejects(matFile(hugeStruct), 'MAT_FORMAT').message).toContain('field values');
    const hugeChar = matrix('t', 4, [0x7fffffff, 2], element(4, new Uint8Array(4)));
    expect(rejects(matFile(hugeChar), 'MAT_FORMAT').message).toContain('characters');
  });

  it('negative dims', () => {
    expect(rejects(matFile(doubleMatrix('x', [-1, 1], [])), 'MAT_FORMAT').message).toContain('negative dimension');
  });

  it('an unknown data type, at the top level and as array data', () => {
    expect(rejects(matFile(element(99, new Uint8Array(8))), 'MAT_FORMAT').message).toContain('unknown data type 99');
    const reserved = matrix('x', 6, [1, 1], element(8, new Uint8Array(8)));
    expect(rejects(matFile(reserved), 'MAT_FORMAT').message).toContain('x: expected the real part as numeric data, found unknown data type 8');
  });

  it('an unknown array class, and unsupported ones', () => {
    expect(rejects(matFile(matrix('x', 99, [1, 1])), 'MAT_FORMAT').message).toContain('unknown array class 99');
    expect(rejects(matFile(matrix('f', 16, [1, 1])), 'MAT_UNSUPPORTED').message).toContain('f is a function handle');
    const opaque = matrix('s', 17, [1, 1], element(1, new TextEncoder().encode('MCOS')), element(1, new TextEncoder().encode('string')));
    expect(rejects(matFile(opaque), 'MAT_UNSUPPORTED').message).toContain("class 'string'");
  });

  it('a small data element claiming more than 4 bytes', () => {
    const flags = concatBytes(u32(6, 8), u32(6, 0));
    const bad = element(14, concatBytes(flags, u32((5 << 16) | 5), new Uint8Array(4)));
    expect(rejects(matFile(bad), 'MAT_FORMAT').message).toContain('at most 4 fit');
  });

  it('a sub-element overrunning its miMATRIX, and a variable with no data', () => {
    const inner = doubleMatrix('x', [1, 2], [1, 2]);
    new DataView(inner.buffer).setUint32(4, 40, true); // the miMATRIX now ends inside its data
    rejects(matFile(inner), 'MAT_FORMAT');
    expect(rejects(matFile(element(14, new Uint8Array(0))), 'MAT_FORMAT').message).toContain('no data');
  });

  it('values nested deeper than the stack should go', () => {
    let nested = doubleMatrix('', [1, 1], [1]);
    for (let depth = 0; depth < 300; depth++) nested = matrix(depth === 299 ? 'deep' : '', 1, [1, 1], nested);
    expect(rejects(matFile(nested), 'MAT_FORMAT').message).toContain('nested more than');
  });

  it('invalid UTF-8 char data, with the decoder error as the cause', () => {
    const error = rejects(matFile(matrix('t', 4, [1, 2], element(16, Uint8Array.of(0xc3, 0x28)))), 'MAT_FORMAT');
    expect(error.message).toContain('not valid UTF-8');
    expect(error.cause).toBeDefined();
  });

  it('int64 data stored as non-integer doubles', () => {
    expect(rejects(matFile(matrix('i', 14, [1, 1], element(9, doubles(1.5)))), 'MAT_FORMAT').message).toContain('non-integer');
  });

  it('sparse data with inconsistent indices', () => {
    const i32 = (...v: number[]) => new Uint8Array(Int32Array.from(v).buffer);
    const sparse = (ir: number[], jc: number[]) => matrix('sp', 5, [2, 2], element(5, i32(...ir)), element(5, i32(...jc)), element(9, doubles(...ir.map(() => 1))));
    expect(rejects(matFile(sparse([0], [0, 1])), 'MAT_FORMAT').message).toContain('column pointers');
    expect(rejects(matFile(sparse([5], [0, 1, 1])), 'MAT_FORMAT').message).toContain('row index (ir) 5');
    expect(rejects(matFile(sparse([0], [0, 2, 1])), 'MAT_FORMAT').message).toContain('decrease');
  });

  it('reports offsets inside compressed data at the miCOMPRESSED element', () => {
    const first = doubleMatrix('ok', [1, 1], [1]);
    const error = rejects(matFile(first, compressed(zlibSync(doubleMatrix('x', [-1, 1], [])))), 'MAT_FORMAT');
    expect(error.offset).toBe(128 + first.length);
    expect(error.message).toContain('of the data inflated from the miCOMPRESSED element');
  });

  it('a file that ends in a partial tag', () => {
    expect(rejects(concatBytes(header(), new Uint8Array(5)), 'MAT_TRUNCATED').offset).toBe(128);
  });
});
