import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { DatasetError, type DatasetErrorCode } from '../errors.js';

/**
 * Reads a whole input file as a Uint8Array, turning fs failures into a DatasetError naming the
 * file, so callers never see a bare ENOENT without context. The fs error is
 * kept as `cause` (its `code` tells a missing file from a permission problem).
 *
 * @param what what the file is, e.g. "image", for the message.
 * @param code the error code for an unreadable file.
 * @param missing the error code and message when the file does not exist
 *   (default: `code` and "<what> file not found").
 */
export async function readInputFile(
  path: string,
  what: string,
  code: DatasetErrorCode,
  missing: { code: DatasetErrorCode; message: string } = { code, message: `${what} file not found` },
): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw inputFileError(error, path, what, code, missing);
  }
  // A plain Uint8Array view, not a Buffer: Buffer#slice returns a view where
  // Uint8Array#slice copies, and parsers written for Uint8Array rely on the copy.
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Checks that an input file exists and is a file, for readers (h5wasm) that
 * open the path themselves and would otherwise report a missing file badly.
 *
 * @returns the file's size in bytes, which bounds what it can hold.
 */
export async function checkInputFile(path: string, what: string, code: DatasetErrorCode): Promise<number> {
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch (error) {
    throw inputFileError(error, path, what, code, { code, message: `${what} file not found` });
  }
  if (!stats.isFile()) throw new DatasetError(code, path, `expected a ${what} file; found a folder or other non-file`);
  return stats.size;
}

function inputFileError(
  error: unknown,
  path: string,
  what: string,
  code: DatasetErrorCode,
  missing: { code: DatasetErrorCode; message: string },
): DatasetError {
  const fsCode = (error as NodeJS.ErrnoException).code;
  if (fsCode === 'ENOENT') return new DatasetError(missing.code, path, missing.message, { cause: error });
  return new DatasetError(code, path, `cannot read ${what} file (${fsCode ?? (error as Error).message})`, { cause: error });
}
