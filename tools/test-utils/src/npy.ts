import { readFileSync } from 'node:fs';

export type NpyData = Float32Array | Float64Array | Uint8Array;

export interface NpyArray {
  shape: number[];
  dtype: '<f4' | '<f8' | '|u1';
  data: NpyData;
}

/**
 * Reads a NumPy v1.0 `.npy` file (C order; `<f4`, `<f8` or `|u1`), the format
 * every reference fixture uses.
 */
export function readNpy(path: string): NpyArray {
  const bytes = readFileSync(path);
  if (bytes.subarray(0, 6).toString('latin1') !== '\x93NUMPY') throw new Error(`${path}: not a .npy file`);
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
