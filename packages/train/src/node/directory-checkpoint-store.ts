import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCsrnet, saveCsrnet, type CsrnetModel } from '@crowd/csrnet';
import { fileSystemHandler, MODEL_JSON } from '@crowd/csrnet/node';
import type { BestModelInfo, Checkpoint, CheckpointStore } from '../checkpoint-store.js';
import { TrainError } from '../errors.js';
import { decodeOptimizerState, encodeOptimizerState, type OptimizerManifest } from '../optimizer-state-codec.js';
import { parseTrainState, type TrainState } from '../train-state.js';
import { recoverDirectory, replaceDirectory } from './atomic-directory.js';

/** File names inside a checkpoint folder (besides the tfjs model's `model.json` and `weights.bin`). */
export const OPTIMIZER_BIN = 'optimizer.bin';
export const STATE_JSON = 'state.json';
export const BEST_JSON = 'best.json';

/** What `state.json` holds: the run's state plus where the optimiser's tensors lie in `optimizer.bin`. */
interface StateFile extends TrainState {
  optimizer: OptimizerManifest;
}

export interface DirectoryCheckpointStore extends CheckpointStore {
  /** `<out>/checkpoint`: the latest checkpoint. */
  readonly checkpointDir: string;
  /** `<out>/best`: the best model, a tfjs model folder (`loadCsrnetFile` reads it). */
  readonly bestDir: string;
}

/**
 * Checkpoints in folders under `out`:
 *
 * - `checkpoint/`: `model.json` + `weights.bin` (the tfjs format of
 *   `saveCsrnet`), `optimizer.bin` (momentum buffers or Adam moments, float32)
 *   and `state.json` (epoch, step, generator state, resolved config, best
 *   metric, history, log position and the optimizer manifest);
 * - `best/`: the best model so far, with `best.json` (epoch, step, val MAE/RMSE).
 *
 * Each is written whole into a temporary folder and renamed into place
 * ({@link replaceDirectory}), so a process killed at any moment leaves the
 * previous or the new checkpoint; `exists`/`load` first repair an interrupted swap.
 */
export function directoryCheckpointStore(out: string): DirectoryCheckpointStore {
  const checkpointDir = join(out, 'checkpoint');
  const bestDir = join(out, 'best');
  const recover = async () => {
    await recoverDirectory(checkpointDir);
    await recoverDirectory(bestDir);
  };
  return {
    location: checkpointDir,
    checkpointDir,
    bestDir,

    async exists() {
      await recover();
      return stat(join(checkpointDir, STATE_JSON)).then(() => true, () => false);
    },

    async load(): Promise<Checkpoint | undefined> {
      if (!(await this.exists())) return undefined;
      const statePath = join(checkpointDir, STATE_JSON);
      let parsed: StateFile;
      try {
        parsed = JSON.parse(await readFile(statePath, 'utf8')) as StateFile;
      } catch (error) {
        throw new TrainError('CHECKPOINT_INVALID', `expected the run's state as JSON: ${(error as Error).message}`, { file: statePath, cause: error });
      }
      const { optimizer: manifest, ...rest } = parsed;
      const state = parseTrainState(rest, statePath);
      const optimizerPath = join(checkpointDir, OPTIMIZER_BIN);
      const bytes = await readFile(optimizerPath).catch((error: unknown) => {
        throw new TrainError('CHECKPOINT_INVALID', `cannot read the optimizer state: ${(error as Error).message}`, { file: optimizerPath, cause: error });
      });
      const optimizer = decodeOptimizerState(manifest, new Uint8Array(bytes), optimizerPath);
      let model: CsrnetModel;
      try {
        model = await loadCsrnet(fileSystemHandler(join(checkpointDir, MODEL_JSON)));
      } catch (error) {
        throw new TrainError('CHECKPOINT_INVALID', `cannot load the checkpoint's model: ${(error as Error).message}`, { file: checkpointDir, cause: error });
      }
      return { model, optimizer, state };
    },

    async save({ model, optimizer, state }: Checkpoint) {
      const { manifest, bytes } = encodeOptimizerState(optimizer);
      const file: StateFile = { ...state, optimizer: manifest };
      await replaceDirectory(checkpointDir, async (dir) => {
        await saveCsrnet(model, fileSystemHandler(dir));
        await writeFile(join(dir, OPTIMIZER_BIN), bytes);
        await writeFile(join(dir, STATE_JSON), `${JSON.stringify(file, null, 1)}\n`);
      });
    },

    async saveBest(model: CsrnetModel, info: BestModelInfo) {
      await replaceDirectory(bestDir, async (dir) => {
        await saveCsrnet(model, fileSystemHandler(dir));
        await writeFile(join(dir, BEST_JSON), `${JSON.stringify(info)}\n`);
      });
    },
  };
}
