import { availableParallelism } from 'node:os';
import { readFile } from 'node:fs/promises';
import { activeDeviceGuard, csrnetModelToOnnx, csrnetOutputSize, largestSquareTile, readCsrnetOnnxMetadata, type BackendAttempt, type BackendPreference, type CsrnetVariant, type ResolvedCsrnetConfig } from '@crowd/csrnet';
import { loadCsrnetFile, selectBackend } from '@crowd/csrnet/node';
import { createCounter as createCounterOnEngine, type Counter } from '../counter.js';
import type { DensityEngine } from '../density-engine.js';
import { CountError } from '../errors.js';
import { createOnnxEngine } from '../onnx-engine.js';
import { createTfjsEngine } from '../tfjs-engine.js';
import { OUTPUT_STRIDE } from '../tile-plan.js';
import { hasOnnxruntimeCuda, loadOnnxruntimeNode, ONNXRUNTIME_NODE } from './load-onnxruntime.js';

/** Which runtime counts: onnxruntime-node when installed (`auto`), or tfjs on a chosen backend. */
export type EngineChoice = 'auto' | 'onnxruntime' | 'tfjs';

export interface NodeCounterOptions {
  /** The model: a tfjs model folder or `model.json`, a PyTorch `.pth`/`.pth.tar`, or an `.onnx` exported by `crowd export`. */
  weights: string;
  /** @default 'auto': onnxruntime when `onnxruntime-node` is installed (and `backend` is not set), else tfjs */
  engine?: EngineChoice;
  /** The tfjs backend, for the tfjs engine (setting one other than `auto` picks tfjs). @default 'auto' */
  backend?: BackendPreference;
  /** Back-end variant of a PyTorch checkpoint (which does not record it). @default 'B' */
  variant?: CsrnetVariant;
  /** onnxruntime CPU threads. @default all cores (`os.availableParallelism()`) */
  threads?: number;
  /** onnxruntime execution providers, tried in order. @default `['cuda', 'cpu']` when the CUDA provider is installed, else `['cpu']` */
  executionProviders?: string[];
}

/** An engine that could not be used, and why. */
export interface EngineAttempt {
  engine: string;
  error: string;
}

export interface NodeCounter extends Counter {
  /** Engines (and onnxruntime providers or tfjs backends) tried before the one that counts, with the reasons. */
  readonly tried: readonly EngineAttempt[];
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/**
 * A counter for a model file in Node: `await createCounter({ weights })`,
 * then `await counter.count(image)`. `engine: 'auto'` runs onnxruntime-node
 * (native, multi-threaded; its CUDA provider when installed) when the package
 * is installed, and otherwise tfjs on the best backend `selectBackend` finds
 * (tensorflow, webgpu on a real GPU, wasm, cpu). Every engine skipped is
 * listed in `tried`; when the one asked for cannot start, the error lists
 * every reason.
 */
export async function createCounter(options: NodeCounterOptions): Promise<NodeCounter> {
  const choice = options.engine ?? 'auto';
  const backend = options.backend ?? 'auto';
  if (choice !== 'auto' && choice !== 'onnxruntime' && choice !== 'tfjs') {
    throw new CountError('INPUT_INVALID', undefined, `engine: expected 'auto', 'onnxruntime' or 'tfjs', got ${JSON.stringify(choice)}`);
  }
  const tried: EngineAttempt[] = [];
  if (choice === 'onnxruntime' || (choice === 'auto' && backend === 'auto')) {
    try {
      return withTried(await onnxEngine(options), tried);
    } catch (error) {
      if (choice === 'onnxruntime' || !(error instanceof OnnxruntimeMissing)) throw unwrap(error);
      tried.push({ engine: ONNXRUNTIME_NODE, error: firstLine(error.cause) });
    }
  }
  const { engine, backends } = await tfjsEngine(options, backend);
  return withTried(engine, [...tried, ...backends.map((b) => ({ engine: `tfjs (${b.name})`, error: b.error }))]);
}

function withTried(engine: DensityEngine, tried: EngineAttempt[]): NodeCounter {
  return { ...createCounterOnEngine({ engine }), tried };
}

/** onnxruntime-node could not be imported: `auto` falls back to tfjs; any other failure is the model's and is thrown. */
class OnnxruntimeMissing extends Error {}

function unwrap(error: unknown): unknown {
  if (!(error instanceof OnnxruntimeMissing)) return error;
  return new CountError(
    'ENGINE_UNAVAILABLE',
    undefined,
    `the onnxruntime engine needs the ${ONNXRUNTIME_NODE} package (npm i ${ONNXRUNTIME_NODE}; set ONNXRUNTIME_NODE_INSTALL=skip to skip its CUDA download): ${firstLine(error.cause)}`,
    { cause: error.cause },
  );
}

async function onnxEngine(options: NodeCounterOptions): Promise<DensityEngine> {
  let ort;
  try {
    ort = await loadOnnxruntimeNode();
  } catch (error) {
    throw new OnnxruntimeMissing('onnxruntime-node is not installed', { cause: error });
  }
  const { bytes, normalization } = await onnxModel(options);
  return createOnnxEngine(ort, bytes, {
    normalization,
    runtime: ONNXRUNTIME_NODE,
    executionProviders: options.executionProviders ?? (hasOnnxruntimeCuda() ? ['cuda', 'cpu'] : ['cpu']),
    threads: options.threads ?? availableParallelism(),
    source: options.weights,
  });
}

/** The ONNX bytes for `weights`: the file itself, or the model exported in memory from a tfjs model or checkpoint. */
async function onnxModel(options: NodeCounterOptions) {
  const path = options.weights;
  if (path.toLowerCase().endsWith('.onnx')) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (error) {
      throw new CountError('INPUT_INVALID', path, `cannot read the ONNX model: ${firstLine(error)}`, { cause: error });
    }
    const { config } = readCsrnetOnnxMetadata(bytes, path);
    checkOutputStride(config, path);
    return { bytes, normalization: config.normalization };
  }
  // Loading through tfjs reuses every check of the weights loaders; the cpu backend only holds the values.
  await selectBackend('cpu');
  const { model } = await loadCsrnetFile(path, options.variant === undefined ? {} : { variant: options.variant });
  try {
    checkOutputStride(model.config, path);
    return { bytes: await csrnetModelToOnnx(model), normalization: model.config.normalization };
  } finally {
    model.dispose();
  }
}

async function tfjsEngine(options: NodeCounterOptions, backend: BackendPreference): Promise<{ engine: DensityEngine; backends: BackendAttempt[] }> {
  if (options.weights.toLowerCase().endsWith('.onnx')) {
    throw new CountError('ENGINE_UNAVAILABLE', options.weights, 'an .onnx model runs on the onnxruntime engine only (npm i onnxruntime-node); give the tfjs model or checkpoint it came from');
  }
  const selection = await selectBackend(backend);
  const { model } = await loadCsrnetFile(options.weights, options.variant === undefined ? {} : { variant: options.variant });
  try {
    checkOutputStride(model.config, options.weights);
  } catch (error) {
    model.dispose();
    throw error;
  }
  // On a GPU backend one pass must fit the device's buffer limits (the guard refuses what does not); count larger images in tiles that do.
  const guard = activeDeviceGuard();
  const passPixels = guard === undefined ? undefined : largestSquareTile(model.config, guard.limits) ** 2;
  return { engine: createTfjsEngine(model, { backend: selection.name, ...(passPixels === undefined ? {} : { passPixels }) }), backends: selection.tried };
}

/** Tiling and points assume the standard front end's 1/8 output (three 2×2 pools). */
function checkOutputStride(config: ResolvedCsrnetConfig, source: string): void {
  const probe = 8 * OUTPUT_STRIDE;
  const [h, w] = csrnetOutputSize(config, probe, probe);
  if (h !== probe / OUTPUT_STRIDE || w !== probe / OUTPUT_STRIDE) {
    throw new CountError('INPUT_INVALID', source, `expected a model whose density map is 1/${OUTPUT_STRIDE} of its input, found ${h}×${w} for a ${probe}×${probe} input`);
  }
}
