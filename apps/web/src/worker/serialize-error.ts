import type { SerializedError } from '../protocol.ts';

/** An error as plain data, to cross `postMessage` with its name and code intact. */
export function serializeError(error: unknown): SerializedError {
  if (typeof error === 'object' && error !== null) {
    const e = error as { name?: unknown; message?: unknown; code?: unknown };
    return {
      name: typeof e.name === 'string' ? e.name : 'Error',
      message: typeof e.message === 'string' ? e.message : String(error),
      ...(typeof e.code === 'string' ? { code: e.code } : {}),
    };
  }
  return { name: 'Error', message: String(error) };
}
