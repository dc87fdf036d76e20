import * as tf from '@tensorflow/tfjs';
import { csrnetFromCheckpoint, loadCsrnet, readTorchCheckpoint, type CsrnetModel } from '@crowd/csrnet';
import { planModelFiles } from '../model-files.ts';
import { SAVED_MODEL_URL, type ModelSource } from '../protocol.ts';
import { pickedFilesHandler } from './picked-files-handler.ts';

export interface LoadedModel {
  model: CsrnetModel;
  format: 'tfjs' | 'pytorch';
  label: string;
}

/** Loads CSRNet from a URL, from picked files (tfjs pair or PyTorch checkpoint), or from this device's saved copy. */
export async function loadFromSource(source: ModelSource): Promise<LoadedModel> {
  switch (source.kind) {
    case 'url':
      // An explicit tf.io.http handler: in a vite 8 (rolldown) build, tfjs's
      // http URL router is tree-shaken away, so a plain URL string finds no handler.
      return { model: await loadCsrnet(tf.io.http(source.url)), format: 'tfjs', label: source.url };
    case 'saved':
      return { model: await loadCsrnet(SAVED_MODEL_URL), format: 'tfjs', label: 'the copy saved on this device' };
    case 'files': {
      const plan = planModelFiles(source.files);
      if (plan.kind === 'pytorch') {
        const bytes = new Uint8Array(await plan.checkpoint.arrayBuffer());
        return { model: csrnetFromCheckpoint(readTorchCheckpoint(bytes, plan.checkpoint.name), plan.checkpoint.name), format: 'pytorch', label: plan.checkpoint.name };
      }
      const model = await loadCsrnet(pickedFilesHandler(plan.json, plan.weights));
      return { model, format: 'tfjs', label: [plan.json, ...plan.weights].map((f) => f.name).join(' + ') };
    }
    default:
      throw new Error(`unknown model source ${JSON.stringify(source)}`);
  }
}
