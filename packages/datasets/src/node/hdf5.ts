import h5wasm from 'h5wasm/node';

export type Hdf5 = typeof h5wasm;

/** h5wasm, once its WebAssembly module has been instantiated. */
export async function loadHdf5(): Promise<Hdf5> {
  await h5wasm.ready;
  return h5wasm;
}

/**
 * Runs synchronous h5wasm calls with HDF5's error stack turned into a thrown
 * Error instead of printed to stderr, so a bad file becomes one catchable
 * error rather than pages of HDF5-DIAG output and a vague "name not defined".
 * The handler is switched back afterwards because it is process-global.
 */
export async function withHdf5Errors<T>(run: (hdf5: Hdf5) => T): Promise<T> {
  const runtime = await h5wasm.ready;
  runtime.activate_throwing_error_handler();
  try {
    return run(h5wasm);
  } finally {
    runtime.deactivate_throwing_error_handler();
  }
}

/**
 * The useful part of an HDF5 error stack: the innermost frame's description
 * (e.g. "file signature not found", "truncated file: eof = 3000, ...").
 */
export function hdf5Reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const frames = [...message.matchAll(/#\d+: .* in [\w:]+\(\): (.*)$/gm)];
  return frames.length > 0 ? frames[frames.length - 1][1].trim() : message.trim();
}
