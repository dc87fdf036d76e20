/**
 * What the page and the inference worker say to each other. tfjs, the
 * model and every tensor live in the worker, so inference (seconds on wasm
 * or cpu) never blocks the page; the page only decodes images and draws.
 */
export type BackendChoice = 'auto' | 'webgl' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** The backend now active (`tf.getBackend()` in the worker). */
  name: string;
  /** Backends tried before it and why each failed (for 'auto'). */
  tried: { name: string; error: string }[];
  /** `WEBGL_VERSION` and the GL renderer, when the backend is webgl. */
  webglVersion?: number;
  webglRenderer?: string;
}

/** Where a model comes from. */
export type ModelSource =
  /** A tfjs `model.json` URL (absolute), e.g. `./model/model.json` next to the app. */
  | { kind: 'url'; url: string }
  /** Files the user picked: `model.json` + `weights.bin`, or one PyTorch checkpoint. */
  | { kind: 'files'; files: File[] }
  /** The copy saved on this device (`indexeddb://crowd-csrnet`). */
  | { kind: 'saved' };

export interface ModelInfo {
  /** What was loaded, for the page. */
  label: string;
  format: 'tfjs' | 'pytorch';
  widthDivisor: number;
  variant: string;
  parameters: number;
  /** Whether it was (also) saved on this device; `saveError` says why not, when asked to. */
  saved: boolean;
  saveError?: string;
}

/** One image (or camera frame) as 8-bit RGBA, row-major. */
export interface Frame {
  pixels: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
}

export interface CountResult {
  /** Sum of the density map: the estimated number of people. */
  count: number;
  /** The density map, `densityHeight × densityWidth`, row-major (one value per 8×8 px cell). */
  density: Float32Array;
  densityWidth: number;
  densityHeight: number;
  /** Preprocess + forward pass + reading the map back, in ms. */
  ms: number;
  backend: string;
  /** tfjs memory after the frame's tensors were freed. */
  memory: MemoryInfo;
}

/** The worker's API; the page calls it through `InferenceClient`. */
export interface EngineApi {
  setBackend(choice: BackendChoice): Promise<BackendInfo>;
  /** Loads a model into `slot` (replacing what was there); `save` also stores it on this device. */
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

/** IndexedDB URL of the model saved on this device. */
export const SAVED_MODEL_URL = 'indexeddb://crowd-csrnet';
