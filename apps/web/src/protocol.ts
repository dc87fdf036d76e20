import type { CountWarning } from '@crowd/count';

/**
 * What the page and the inference worker say to each other. The runtimes
 * (onnxruntime-web, tfjs), the models and every tensor live in the worker,
 * so inference (seconds on wasm) never blocks the page; the page only
 * decodes images and draws.
 */

/**
 * Which engine counts. `auto` tries onnxruntime-web on WebGPU (where the
 * browser offers an adapter), then onnxruntime-web on wasm, then tfjs
 * (webgl → wasm → cpu).
 */
export type EngineChoice = 'auto' | 'ort-webgpu' | 'ort-wasm' | 'tfjs-webgl' | 'tfjs-wasm' | 'tfjs-cpu';

export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'ort-webgpu', 'ort-wasm', 'tfjs-webgl', 'tfjs-wasm', 'tfjs-cpu'];

/** An engine that could not start, and why. */
export interface EngineAttempt {
  engine: EngineChoice;
  error: string;
}

export interface EngineInfo {
  /** The engine now active. */
  engine: Exclude<EngineChoice, 'auto'>;
  /** What runs, as the counter names it: `onnxruntime-web (wasm)`, `tfjs (webgl)`. */
  name: string;
  /** Engines tried before it (for `auto`) and why each could not start. */
  tried: EngineAttempt[];
  /** onnxruntime-web's wasm threads (1 when the page is not cross-origin isolated); absent on tfjs. */
  threads?: number;
  /** `self.crossOriginIsolated` in the worker: multi-threaded wasm needs it. */
  crossOriginIsolated: boolean;
  /** The WebGPU adapter (`vendor architecture`) for ort-webgpu, or the GL renderer for tfjs webgl. */
  device?: string;
  /** Models that cannot run on this engine (an .onnx on tfjs), by slot, with the reason. */
  unavailable: Record<string, string>;
}

/** Where a model comes from. */
export type ModelSource =
  /** A URL (absolute): a tfjs `model.json`, a PyTorch `.pth`/`.pth.tar`, or an `.onnx`; checked against the allowed origins before it is fetched. */
  | { kind: 'url'; url: string }
  /** Files the user picked: `model.json` + `weights.bin`, one PyTorch checkpoint, or one `.onnx`. */
  | { kind: 'files'; files: File[] }
  /** The copy remembered on this device (IndexedDB). */
  | { kind: 'saved' };

/** The format a model came in. */
export type ModelFormat = 'tfjs' | 'pytorch' | 'onnx';

export interface ModelInfo {
  /** What was loaded, for the page: the URL or the file names. */
  label: string;
  format: ModelFormat;
  widthDivisor: number;
  variant: string;
  parameters: number;
  /** Whether it is (now) remembered on this device; `saveError` says why not, when asked to. */
  saved: boolean;
  saveError?: string;
  /** Why it cannot run on the active engine, when it cannot (an .onnx on tfjs). */
  unavailable?: string;
}

/** One image (or camera frame) as 8-bit RGBA, row-major. */
export interface Frame {
  pixels: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface MemoryInfo {
  /** `tf.memory()` in the worker. */
  tfjsTensors: number;
  tfjsBytes: number;
  /** onnxruntime-web sessions alive (one per loaded model on an onnxruntime engine). */
  ortSessions: number;
}

export interface CountResult {
  /** Sum of the density map: the estimated number of people. */
  count: number;
  /** The density map, `densityHeight × densityWidth`, row-major (one value per 8×8 px cell). */
  density: Float32Array;
  densityWidth: number;
  densityHeight: number;
  /** Reasons not to trust the count (negative total, much negative density), from `@crowd/count`. */
  warnings: CountWarning[];
  /** Preprocessing, inference and reading the map back, in ms. */
  ms: number;
  /** What counted it: `onnxruntime-web (wasm)`, `tfjs (webgl)`. */
  engine: string;
  /** Worker memory after the frame. */
  memory: MemoryInfo;
}

/** The worker's API; the page calls it through `InferenceClient`. */
export interface EngineApi {
  setEngine(choice: EngineChoice): Promise<EngineInfo>;
  /** Loads a model into `slot` (replacing what was there); `save` also remembers it on this device. */
  loadModel(slot: string, source: ModelSource, save: boolean): Promise<ModelInfo>;
  unloadModel(slot: string): Promise<void>;
  count(slot: string, frame: Frame): Promise<CountResult>;
  hasSavedModel(): Promise<boolean>;
  forgetSavedModel(): Promise<void>;
  memory(): Promise<MemoryInfo>;
}

export type EngineMethod = keyof EngineApi;

export interface EngineRequest<M extends EngineMethod = EngineMethod> {
  id: number;
  method: M;
  args: Parameters<EngineApi[M]>;
}

/** An error as it crosses from the worker: enough for `describeError`. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
}

export type EngineResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: SerializedError };
