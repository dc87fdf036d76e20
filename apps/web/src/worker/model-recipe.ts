import {
  csrnetParameterSpecs,
  loadCsrnet,
  readCsrnetOnnxMetadata,
  readStateDict,
  readTorchCheckpoint,
  resolveCsrnetConfig,
  widthDivisorOf,
  type NamedTensors,
  type ResolvedCsrnetConfig,
} from '@crowd/csrnet';
import { planModelFiles } from '../model-files.ts';
import type { ModelFormat } from '../protocol.ts';
import { pickedFilesHandler } from './picked-files-handler.ts';

/**
 * A model as the worker keeps it: enough to build a counter on any engine
 * (switching engines rebuilds it) and to remember it on the device.
 */
export interface ModelRecipe {
  /** The URL or the file names, for the page. */
  label: string;
  format: ModelFormat;
  config: ResolvedCsrnetConfig;
  /** state_dict weights (conv weights OIHW), for a tfjs or PyTorch model: tfjs runs them, onnxruntime their ONNX export. */
  weights?: NamedTensors;
  /** The model itself, for an ONNX file: onnxruntime runs it; tfjs cannot. */
  onnx?: Uint8Array;
  /** The files it was read from, exactly: what "keep on this device" stores. */
  files: File[];
  /** Where it was fetched from, when it came from a URL. */
  url?: string;
}

/** The number of weights in a model of this config. */
export function parameterCount(config: ResolvedCsrnetConfig): number {
  return csrnetParameterSpecs(config).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

/**
 * Reads a model from files (picked, fetched or remembered): a PyTorch
 * checkpoint (nothing in it is executed; the width comes from
 * `frontend.0.weight`, the back end is the paper's variant B), an `.onnx`
 * written by `@crowd/csrnet` (its metadata holds the config), or a tfjs
 * `model.json` with its weights (loaded through tfjs, on whatever backend is
 * active, only to read the values). Every problem is a readable error.
 */
export async function readModelRecipe(files: File[], label: string, url?: string): Promise<ModelRecipe> {
  const plan = planModelFiles(files);
  const where = url === undefined ? {} : { url };
  switch (plan.kind) {
    case 'pytorch': {
      const name = plan.checkpoint.name;
      const weights = readTorchCheckpoint(new Uint8Array(await plan.checkpoint.arrayBuffer()), name).stateDict;
      const config = resolveCsrnetConfig({ widthDivisor: widthDivisorOf(weights, name) });
      return { label, format: 'pytorch', config, weights, files, ...where };
    }
    case 'onnx': {
      const onnx = new Uint8Array(await plan.model.arrayBuffer());
      return { label, format: 'onnx', config: readCsrnetOnnxMetadata(onnx, plan.model.name).config, onnx, files, ...where };
    }
    case 'tfjs': {
      const model = await loadCsrnet(pickedFilesHandler(plan.json, plan.weights));
      try {
        return { label, format: 'tfjs', config: model.config, weights: await readStateDict(model), files, ...where };
      } finally {
        model.dispose();
      }
    }
  }
}
