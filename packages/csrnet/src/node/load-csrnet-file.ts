import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CSRNET_FRONTEND, type CsrnetConfig } from '../config.js';
import { CsrnetError } from '../errors.js';
import { createCsrnet, type CsrnetModel } from '../model.js';
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

/**
 * Loads CSRNet weights from the two forms users have: a tfjs model (a folder
 * holding `model.json`, or the `model.json` path itself) or a PyTorch
 * checkpoint (`.pth`, `.pth.tar`, legacy or zip format).
 *
 * A PyTorch checkpoint carries no config, so the width divisor is read off
 * `frontend.0.weight` (64 ÷ its output channels) and everything else comes
 * from `config` (default: the reference's variant B).
 */
export async function loadCsrnetFile(path: string, config: Omit<CsrnetConfig, 'widthDivisor'> = {}): Promise<LoadedCsrnet> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new CsrnetError('WEIGHTS_FORMAT', path, `cannot read weights: ${(error as Error).message}`, { cause: error });
  }
  if (info.isDirectory() || path.endsWith('.json')) {
    return { model: await loadCsrnet(fileSystemHandler(info.isDirectory() ? join(path, MODEL_JSON) : path)), format: 'tfjs' };
  }
  const checkpoint = readTorchCheckpoint(new Uint8Array(await readFile(path)), path);
  const first = checkpoint.stateDict.get('frontend.0.weight');
  if (first === undefined) {
    throw new CsrnetError('WEIGHTS_MISMATCH', path, `expected a CSRNet state_dict with frontend.0.weight, found ${[...checkpoint.stateDict.keys()].slice(0, 4).join(', ') || 'no tensors'}`);
  }
  const widthDivisor = (CSRNET_FRONTEND[0] as number) / first.shape[0];
  if (!Number.isInteger(widthDivisor) || widthDivisor < 1) {
    throw new CsrnetError('WEIGHTS_MISMATCH', path, `frontend.0.weight has ${first.shape[0]} output channels; expected 64 divided by a whole number`);
  }
  const model = createCsrnet({ ...config, widthDivisor }, { kind: 'weights', weights: checkpoint.stateDict, source: path });
  return { model, format: 'pytorch', checkpoint };
}
