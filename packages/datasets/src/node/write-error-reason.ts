import { hdf5Reason } from './hdf5.js';

/** What the errors a write commonly meets mean, in the words a user needs. */
const MEANINGS: Record<string, string> = {
  EACCES: 'permission denied: the folder is not writable by this user',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for the file system',
  EIO: 'input/output error',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a file is in the way of the folder',
  EEXIST: 'a file is in the way of the folder',
  EISDIR: 'a folder is in the way of the file',
  ENAMETOOLONG: 'the path is too long',
};

/**
 * h5wasm is built with emscripten, whose errno values are WASI's, not
 * Linux's: HDF5's "errno = 2" is EACCES there, not ENOENT.
 */
const WASI_ERRNO: Record<number, string> = {
  2: 'EACCES',
  19: 'EDQUOT',
  20: 'EEXIST',
  22: 'EFBIG',
  29: 'EIO',
  31: 'EISDIR',
  37: 'ENAMETOOLONG',
  44: 'ENOENT',
  51: 'ENOSPC',
  54: 'ENOTDIR',
  63: 'EPERM',
  69: 'EROFS',
};

/**
 * The cause of a failed write, as `CODE: meaning`: from a Node fs error's
 * `code`, or from the errno in an HDF5 error stack; otherwise the error's
 * own message.
 */
export function writeErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  let code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined) {
    const errno = /\berrno = (\d+)/.exec(message);
    code = errno === null ? undefined : WASI_ERRNO[Number(errno[1])];
  }
  if (code === undefined) return hdf5Reason(error);
  // Node's own text ("EMFILE: too many open files, open '/x/.y.tmp'") without the code or the temp path.
  const text = MEANINGS[code] ?? message.replace(/^\w+: /, '').replace(/, \w+ '.*$/, '');
  return `${code}: ${text}`;
}
