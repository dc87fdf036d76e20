import { normalizePixels, type InputNormalization } from '@crowd/csrnet/spec';
import type { CountImage } from './count-image.js';
import { DEFAULT_PASS_PIXELS, type DensityEngine } from './density-engine.js';
import type { DensityMap } from './density-map.js';
import { CountError } from './errors.js';

/** A tensor as onnxruntime (node or web) makes and returns it. */
export interface OrtTensor {
  readonly dims: readonly number[];
  readonly data: unknown;
  dispose?(): void;
}

/** The session options this engine sets; both onnxruntime-node and onnxruntime-web accept them. */
export interface OrtSessionOptions {
  executionProviders: string[];
  intraOpNumThreads?: number;
  graphOptimizationLevel?: 'all';
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

/**
 * The part of the onnxruntime API this engine uses, which `onnxruntime-node`
 * and `onnxruntime-web` share: the caller injects either module, so this
 * package imports neither.
 */
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: OrtSessionOptions): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
}

export interface OnnxEngineOptions {
  /** The normalisation the weights were trained with (the ONNX model's metadata records it). */
  normalization: InputNormalization;
  /**
   * Execution providers to try, one at a time, in order (`cuda`, `webgpu`,
   * `wasm`, `cpu`); the first that creates a session is used.
   */
  executionProviders: readonly string[];
  /** Names the runtime in reports, e.g. `onnxruntime-node`. */
  runtime: string;
  /** CPU threads for one inference (onnxruntime-node's cpu provider). */
  threads?: number;
  /** @default DEFAULT_PASS_PIXELS */
  passPixels?: number;
  /** Names the model in errors. */
  source?: string;
}

/** One execution provider that could not start, and why. */
export interface ProviderAttempt {
  provider: string;
  error: string;
}

export interface OnnxEngine extends DensityEngine {
  /** The execution provider that runs. */
  readonly provider: string;
  /** Providers tried before it, with the reasons they failed. */
  readonly tried: readonly ProviderAttempt[];
}

/**
 * CSRNet as an ONNX model (input `[1, 3, H, W]`, normalised; output
 * `[1, 1, ⌊H/8⌋, ⌊W/8⌋]`, as `@crowd/csrnet`'s exporter writes it) on
 * onnxruntime. Throws `CountError('ENGINE_UNAVAILABLE')` listing every
 * provider tried when none starts.
 */
export async function createOnnxEngine(ort: OrtModule, model: Uint8Array, options: OnnxEngineOptions): Promise<OnnxEngine> {
  const tried: ProviderAttempt[] = [];
  for (const provider of options.executionProviders) {
    let session: OrtSession;
    try {
      session = await ort.InferenceSession.create(model, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads }),
      });
    } catch (error) {
      tried.push({ provider, error: error instanceof Error ? error.message.split('\n')[0] : String(error) });
      continue;
    }
    return onnxEngine(ort, session, provider, tried, options);
  }
  const reasons = tried.map((t) => `${t.provider}: ${t.error}`).join('; ');
  throw new CountError('ENGINE_UNAVAILABLE', options.source, `${options.runtime} could not start the model on any execution provider (tried ${reasons})`);
}

function onnxEngine(ort: OrtModule, session: OrtSession, provider: string, tried: ProviderAttempt[], options: OnnxEngineOptions): OnnxEngine {
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  const name = `${options.runtime} (${provider})`;
  return {
    name,
    provider,
    tried,
    passPixels: options.passPixels ?? DEFAULT_PASS_PIXELS,
    async predict(image: CountImage): Promise<DensityMap> {
      const pixels = normalizePixels(image.data, image.width, image.height, options.normalization, 'chw');
      const input = new ort.Tensor('float32', pixels, [1, 3, image.height, image.width]);
      let outputs: Record<string, OrtTensor>;
      try {
        outputs = await session.run({ [inputName]: input });
      } finally {
        input.dispose?.();
      }
      const output = outputs[outputName];
      try {
        const dims = output?.dims ?? [];
        if (dims.length !== 4 || dims[0] !== 1 || dims[1] !== 1 || !(output.data instanceof Float32Array)) {
          throw new CountError('ENGINE_OUTPUT', options.source, `${name}: expected a float32 [1, 1, h, w] density, found [${dims.join(', ')}]`);
        }
        return { height: dims[2], width: dims[3], data: output.data };
      } finally {
        for (const tensor of Object.values(outputs)) if (tensor !== output) tensor.dispose?.();
      }
    },
    async dispose() {
      await session.release();
    },
  };
}
