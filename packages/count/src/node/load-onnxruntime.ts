import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OrtModule } from '../onnx-engine.js';

/** The optional peer that runs ONNX models natively in Node. */
export const ONNXRUNTIME_NODE = 'onnxruntime-node';

/** Imports an optional peer; the name is a variable so tsc and bundlers leave it alone. */
const importOptional = (name: string): Promise<unknown> => import(/* @vite-ignore */ name);

/**
 * Loads onnxruntime-node, or throws its import error (not installed, or its
 * native library missing). `npm i onnxruntime-node` installs it; its install
 * script downloads only the CUDA provider (set `ONNXRUNTIME_NODE_INSTALL=skip`
 * to skip that; the CPU library is inside the npm package).
 */
export async function loadOnnxruntimeNode(): Promise<OrtModule> {
  const module = (await importOptional(ONNXRUNTIME_NODE)) as OrtModule & { default?: OrtModule };
  return module.InferenceSession === undefined && module.default !== undefined ? module.default : module;
}

/**
 * Whether onnxruntime-node's CUDA provider library is installed: it is not
 * in the npm package, and only `ONNXRUNTIME_NODE_INSTALL=cuda12` at install
 * time downloads it next to the CPU library.
 */
export function hasOnnxruntimeCuda(): boolean {
  try {
    const entry = createRequire(import.meta.url).resolve(ONNXRUNTIME_NODE);
    // dist/index.js → bin/napi-v6/<platform>/<arch>/
    const bin = join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
    const library = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    return existsSync(join(bin, library));
  } catch {
    return false;
  }
}
