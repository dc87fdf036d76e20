import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  createCsrnet,
  heInit,
  momentumBuffersByName,
  readTorchCheckpoint,
  referenceInit,
  resolveCsrnetConfig,
  vggFrontendFromKerasH5,
  vggFrontendFromTorchvision,
  type CsrnetVariant,
} from '@crowd/csrnet';
import { loadCsrnetFile } from '@crowd/csrnet/node';
import { TrainError } from '../errors.js';
import type { InitialModel } from '../train-loop.js';

/** Where a fresh run's weights come from. */
export interface InitialModelOptions {
  /** @default 'B' (or what `init` records) */
  variant?: CsrnetVariant;
  /** @default 1 (or what `init` records) */
  widthDivisor?: number;
  /** Seed of the random init. @default 0 */
  seed?: number;
  /**
   * Random init of a fresh model (of the back end, with `initFrontend`):
   * `'reference'` is model.py's N(0, 0.01); `'he'` is He-normal, which trains
   * from scratch where the reference init's signal vanishes (small widths, no VGG).
   * @default 'reference'
   */
  initScheme?: 'reference' | 'he';
  /** Start from these weights: a PyTorch checkpoint (`.pth`, `.pth.tar`) or a tfjs model (folder or `model.json`). */
  init?: string;
  /**
   * Also load the PyTorch checkpoint's SGD momentum buffers, so that training
   * continues as `train.py --pre` does. Off by default: `init` alone is a
   * starting point with a fresh optimiser.
   * @default false
   */
  initOptimizer?: boolean;
  /** ImageNet VGG-16 weights for the front end (torchvision `.pth` or Keras `.h5`); the rest gets the reference init, as train.py does. */
  initFrontend?: string;
}

/** Builds a fresh run's model (and optimiser state) as `options` say. */
export async function loadInitialModel(options: InitialModelOptions = {}): Promise<InitialModel> {
  const { variant, widthDivisor, seed = 0, initScheme = 'reference' } = options;
  if (initScheme !== 'reference' && initScheme !== 'he') throw new TrainError('CONFIG_INVALID', `initScheme: expected 'reference' or 'he', got ${JSON.stringify(initScheme)}`);
  if (options.init !== undefined && options.initFrontend !== undefined) {
    throw new TrainError('CONFIG_INVALID', `init and initFrontend: expected at most one, got both (${options.init}, ${options.initFrontend})`);
  }
  if (options.initOptimizer && options.init === undefined) throw new TrainError('CONFIG_INVALID', 'initOptimizer: expected a PyTorch checkpoint given as init, got no init');
  if (options.init !== undefined) {
    const loaded = await loadCsrnetFile(options.init, variant === undefined ? {} : { variant });
    // loadCsrnetFile already applies `variant` or refuses a tfjs model recording another; the width comes from the weights.
    const found = loaded.model.config.widthDivisor;
    if (widthDivisor !== undefined && found !== widthDivisor) {
      loaded.model.dispose();
      throw new TrainError('CONFIG_INVALID', `init: the model has width divisor ${found}, but width divisor ${widthDivisor} was asked for`, { file: options.init });
    }
    if (!options.initOptimizer) return { model: loaded.model };
    if (loaded.checkpoint?.optimizer === undefined) {
      loaded.model.dispose();
      throw new TrainError('CONFIG_INVALID', `initOptimizer: expected a PyTorch training checkpoint with an SGD optimizer state, found ${loaded.format === 'tfjs' ? 'a tfjs model' : 'no optimizer state'}`, { file: options.init });
    }
    return { model: loaded.model, optimizerState: { kind: 'sgd', momentumBuffers: momentumBuffersByName(loaded.checkpoint, options.init) } };
  }
  const config = resolveCsrnetConfig({ ...(variant === undefined ? {} : { variant }), ...(widthDivisor === undefined ? {} : { widthDivisor }) });
  if (options.initFrontend === undefined) return { model: createCsrnet(config, { kind: initScheme, seed }) };
  const path = options.initFrontend;
  const bytes = new Uint8Array(await readFile(path));
  const frontend = extname(path).toLowerCase() === '.h5' ? await vggFrontendFromKerasH5(bytes, path) : vggFrontendFromTorchvision(readTorchCheckpoint(bytes, path), path);
  // train.py: the reference init everywhere, then VGG-16's weights over the front end.
  const weights = (initScheme === 'he' ? heInit : referenceInit)(config, seed);
  for (const [name, tensor] of frontend) weights.set(name, tensor);
  return { model: createCsrnet(config, { kind: 'weights', weights, source: path }) };
}
