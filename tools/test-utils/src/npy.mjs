// NumPy `.npy` files (format v1.0, C order), the format every reference fixture
// uses. Plain JavaScript so that benchmarks and the device check, run by bare
// Node, can import it too.
import { readFileSync, writeFileSync } from 'node:fs';

const MAGIC = '\x93NUMPY';

/**
 * Reads a NumPy v1.0 `.npy` file (C order; `<f4`, `<f8` or `|u1`), the format
 * every reference fixture uses.
 */
export function readNpy(path) {
  const bytes = readFileSync(path);
  if (bytes.subarray(0, 6).toString('latin1') !== MAGIC) throw new Error(`${path}: not a .npy file`);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${path}: Fortran order is not supported`);
  if (shapeText === undefined || descr === undefined) throw new Error(`${path}: bad .npy header ${header}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const start = 10 + headerLength;
  const body = bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length);
  switch (descr) {
    case '<f4':
      return { shape, dtype: descr, data: new Float32Array(body) };
    case '<f8':
      return { shape, dtype: descr, data: new Float64Array(body) };
    case '|u1':
      return { shape, dtype: descr, data: new Uint8Array(body) };
    default:
      throw new Error(`${path}: unsupported dtype ${descr}`);
  }
}

/** Writes a float32 array as a NumPy v1.0 `.npy` file (`<f4`, C order) of the given shape. */
export function writeNpy(path, shape, data) {
  const n = shape.reduce((a, b) => a * b, 1);
  if (!(data instanceof Float32Array) || data.length !== n) throw new Error(`writeNpy ${path}: expected a Float32Array of ${n} values for shape [${shape}], got ${data?.length}`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  // The header, newline included, pads the data to a 64-byte boundary, as numpy writes it.
  header = header.padEnd(Math.ceil((10 + header.length + 1) / 64) * 64 - 10 - 1, ' ') + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write(MAGIC, 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  writeFileSync(path, Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}
