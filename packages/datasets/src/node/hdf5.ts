import type h5wasmNode from 'h5wasm/node';

export type Hdf5 = typeof h5wasmNode;

let loading: Promise<Hdf5> | undefined;
let instances = 0;

/**
 * h5wasm, once its WebAssembly module has been instantiated. After a crash
 * (a trap or an abort in HDF5's C code, which leaves that instance's memory
 * corrupt) the next call loads a fresh copy: a new module URL is a new module
 * record, so a new WebAssembly instance.
 */
export function loadHdf5(): Promise<Hdf5> {
  if (loading === undefined) {
    const instance = instances++;
    const module = instance === 0 ? import('h5wasm/node') : (import(`${import.meta.resolve('h5wasm/node')}?instance=${instance}`) as Promise<{ default: Hdf5 }>);
    loading = module.then(async ({ default: h5wasm }) => {
      await h5wasm.ready;
      return h5wasm;
    });
  }
  return loading;
}

/**
 * Runs synchronous h5wasm calls with HDF5's error stack turned into a thrown
 * Error instead of printed to stderr, so a bad file becomes one catchable
 * error rather than pages of HDF5-DIAG output and a vague "name not defined".
 * The handler is switched back afterwards because it is process-global.
 * When HDF5 crashed (a WebAssembly.RuntimeError, thrown or the `cause` of
 * what `run` threw) the error is passed on and the instance dropped for the
 * next call.
 */
export async function withHdf5Errors<T>(run: (hdf5: Hdf5) => T): Promise<T> {
  const hdf5 = await loadHdf5();
  const runtime = await hdf5.ready;
  runtime.activate_throwing_error_handler();
  let crashed = false;
  try {
    return run(hdf5);
  } catch (error) {
    crashed = error instanceof WebAssembly.RuntimeError || (error as { cause?: unknown } | undefined)?.cause instanceof WebAssembly.RuntimeError;
    if (crashed) loading = undefined;
    throw error;
  } finally {
    if (!crashed) runtime.deactivate_throwing_error_handler();
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
