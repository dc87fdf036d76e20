import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { csrnetFromCheckpoint } from '../checkpoint-model.js';
import type { CsrnetConfig } from '../config.js';
import { CsrnetError } from '../errors.js';
import { checkFileSize, resolveModelFileLimits, type ModelFileLimits } from '../limits.js';
import type { CsrnetModel } from '../model.js';
import { loadCsrnet } from '../model-io.js';
import { readTorchCheckpoint, type TorchCheckpoint } from '../torch/checkpoint.js';
import { fileSystemHandler, MODEL_JSON } from './file-system-handler.js';

export interface LoadedCsrnet {
  model: CsrnetModel;
  /** Where the weights came from. */
  format: 'tfjs' | 'pytorch';
  /** The PyTorch checkpoint, for its epoch and optimizer state (momentum buffers); absent for tfjs models. */
  checkpoint?: TorchCheckpoint;
}

/** Options of {@link loadCsrnetFile}. */
export interface LoadCsrnetFileOptions {
  /** What the file may make the loader allocate; see the README's "Resource limits". @default MODEL_FILE_LIMITS */
  limits?: ModelFileLimits;
}

/**
 * Loads CSRNet weights from the two forms users have: a tfjs model (a folder
 * holding `model.json`, or the `model.json` path itself) or a PyTorch
 * checkpoint (`.pth`, `.pth.tar`, legacy or zip format).
 *
 * A PyTorch checkpoint carries no config, so the width divisor is read off
 * `frontend.0.weight` (64 ÷ its output channels) and everything else comes
 * from `config` (default: the reference's variant B). A tfjs model records
 * its config: asking it for another variant is a `CONFIG_INVALID` error.
 *
 * Either way the file is checked against `options.limits` before and while
 * it is read (`LIMIT_EXCEEDED`), and a NaN or infinite weight is a
 * `WEIGHTS_NOT_FINITE` error, so a bad file never becomes a model.
 */
export async function loadCsrnetFile(path: string, config: Omit<CsrnetConfig, 'widthDivisor'> = {}, options: LoadCsrnetFileOptions = {}): Promise<LoadedCsrnet> {
  const limits = resolveModelFileLimits(options.limits);
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new CsrnetError('WEIGHTS_FORMAT', path, `cannot read weights: ${(error as Error).message}`, { cause: error });
  }
  if (info.isDirectory() || path.endsWith('.json')) {
    const jsonPath = info.isDirectory() ? join(path, MODEL_JSON) : path;
    const model = await loadCsrnet(fileSystemHandler(jsonPath, { limits }), { name: jsonPath });
    // A tfjs model records its architecture; a different one asked for is an error, not silently ignored.
    if (config.variant !== undefined && model.config.variant !== config.variant) {
      model.dispose();
      throw new CsrnetError('CONFIG_INVALID', path, `this tfjs model records variant ${model.config.variant}; variant ${config.variant} applies to PyTorch checkpoints only`);
    }
    return { model, format: 'tfjs' };
  }
  checkFileSize(info.size, path, limits);
  const checkpoint = readTorchCheckpoint(new Uint8Array(await readFile(path)), path, limits);
  return { model: csrnetFromCheckpoint(checkpoint, path, config), format: 'pytorch', checkpoint };
}
