import { createCounter, createOnnxEngine, createTfjsEngine, DEFAULT_PASS_PIXELS, type Counter, type OrtModule, type OrtSession } from '@crowd/count';
import {
  createCsrnet,
  csrnetParameterSpecs,
  csrnetToOnnx,
  IMAGENET_NORMALIZATION,
  largestSquareTile,
  resolveCsrnetConfig,
  type BackendSelection,
  type DeviceLimits,
} from '@crowd/csrnet';
import { ENGINE_CHOICES, type EngineAttempt, type EngineChoice } from '../protocol.ts';
import type { ModelRecipe } from './model-recipe.ts';

/** An engine the worker can run (`auto` is a choice among these). */
export type ConcreteEngine = Exclude<EngineChoice, 'auto'>;
type OrtEngine = 'ort-webgpu' | 'ort-wasm';
type TfjsBackend = 'webgl' | 'wasm' | 'cpu';

/** onnxruntime as the worker uses it: onnxruntime-web in the app, onnxruntime-node in the unit tests. */
export interface OrtRuntime {
  /** Names the runtime in reports: `onnxruntime-web`. */
  runtime: string;
  module: OrtModule;
  /** The execution provider each onnxruntime engine asks for (`wasm`, `webgpu` on the web). */
  providers: Record<OrtEngine, string>;
  /** wasm threads in use, known once a session exists (onnxruntime drops to 1 without cross-origin isolation). */
  threads(): number | undefined;
}

/** A WebGPU adapter: its name for the page and the buffer limits that bound one pass. */
export interface WebgpuAdapter {
  name: string;
  limits: DeviceLimits;
  /** A software adapter (SwiftShader, a fallback adapter): WebGPU emulated on the CPU, far slower than wasm. */
  software: boolean;
}

/** What the engines run on, injected: the browser's in the app, Node's in the unit tests. */
export interface EngineRuntimes {
  /** Imports and configures onnxruntime (once). */
  loadOrt(): Promise<OrtRuntime>;
  /** The WebGPU adapter, or a rejection saying why there is none. */
  webgpuAdapter(): Promise<WebgpuAdapter>;
  /** Activates a tfjs backend (`@crowd/csrnet`'s selectBackend). */
  selectTfjs(preference: 'auto' | TfjsBackend): Promise<BackendSelection>;
  /** What runs the active tfjs backend, e.g. webgl's GL renderer. */
  tfjsDevice(): string | undefined;
}

/** The active engine: builds a counter for any model it can run. */
export interface ActiveEngine {
  engine: ConcreteEngine;
  /** What runs, as the counter names it: `onnxruntime-web (wasm)`, `tfjs (webgl)`. */
  name: string;
  threads?: number;
  device?: string;
  /** A counter for `recipe` (the caller disposes it); a `ModelUnavailableError` when this engine cannot run it. */
  counterFor(recipe: ModelRecipe): Promise<Counter>;
}

/** A model this engine cannot run (an ONNX model on tfjs); the message says what to do instead. */
export class ModelUnavailableError extends Error {
  override name = 'ModelUnavailableError';
}

/** What `auto` tries before tfjs, in order. */
const AUTO_ORT: readonly OrtEngine[] = ['ort-webgpu', 'ort-wasm'];

/** Counts the onnxruntime sessions alive: what the memory readout and the leak tests watch. */
export interface SessionTracker {
  /** The module with every session it creates counted until released. */
  wrap(module: OrtModule): OrtModule;
  live(): number;
}

export function createSessionTracker(): SessionTracker {
  let live = 0;
  return {
    live: () => live,
    wrap(module) {
      const create: OrtModule['InferenceSession']['create'] = async (model, options) => {
        const session = await module.InferenceSession.create(model, options);
        live += 1;
        let released = false;
        return {
          inputNames: session.inputNames,
          outputNames: session.outputNames,
          run: (feeds) => session.run(feeds),
          async release() {
            if (!released) live -= 1;
            released = true;
            await session.release();
          },
        } satisfies OrtSession;
      };
      return { ...module, InferenceSession: { create } };
    },
  };
}

/**
 * The smallest CSRNet (width ÷64) with zero weights: a session of it proves
 * an execution provider starts, and sets up onnxruntime's wasm (and its
 * threads) before any model is loaded.
 */
function probeModel(): Uint8Array {
  const config = resolveCsrnetConfig({ widthDivisor: 64 });
  const weights = new Map(csrnetParameterSpecs(config).map(({ name, shape }) => [name, { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) }]));
  return csrnetToOnnx(config, weights);
}

async function activateOrt(engine: OrtEngine, runtimes: EngineRuntimes, auto = false): Promise<ActiveEngine> {
  const adapter = engine === 'ort-webgpu' ? await runtimes.webgpuAdapter() : undefined;
  if (auto && adapter?.software) {
    // Measured in headless Chromium: the ÷8 model's first 96×64 count took 28–46 s on SwiftShader's WebGPU, under 0.2 s on wasm.
    throw new Error(`the WebGPU adapter (${adapter.name}) is a software one, emulated on the CPU and far slower than wasm; choose "onnxruntime-web, WebGPU" to use it anyway`);
  }
  const ort = await runtimes.loadOrt();
  const provider = ort.providers[engine];
  const probe = await createOnnxEngine(ort.module, probeModel(), { normalization: IMAGENET_NORMALIZATION, executionProviders: [provider], runtime: ort.runtime, source: 'the probe model' });
  await probe.dispose();
  // tfjs now only reads the weights of tfjs-format models; its cpu backend holds them without touching a GPU.
  await runtimes.selectTfjs('cpu');
  return {
    engine,
    name: probe.name,
    threads: ort.threads(),
    ...(adapter === undefined ? {} : { device: adapter.name }),
    async counterFor(recipe) {
      const { config, label } = recipe;
      const bytes = recipe.onnx ?? csrnetToOnnx(config, recipe.weights!, { source: label });
      // A WebGPU pass must fit the adapter's largest buffer; bigger images are counted in tiles.
      const passPixels = adapter === undefined ? DEFAULT_PASS_PIXELS : Math.min(DEFAULT_PASS_PIXELS, largestSquareTile(config, adapter.limits) ** 2);
      const onnx = await createOnnxEngine(ort.module, bytes, { normalization: config.normalization, executionProviders: [provider], runtime: ort.runtime, passPixels, source: label });
      return createCounter({ engine: onnx });
    },
  };
}

async function activateTfjs(backend: 'auto' | TfjsBackend, runtimes: EngineRuntimes): Promise<{ active: ActiveEngine; tried: EngineAttempt[] }> {
  const selection = await runtimes.selectTfjs(backend);
  const name = selection.name as TfjsBackend;
  const device = runtimes.tfjsDevice();
  const active: ActiveEngine = {
    engine: `tfjs-${name}`,
    name: `tfjs (${name})`,
    ...(device === undefined ? {} : { device }),
    async counterFor(recipe) {
      if (recipe.weights === undefined) {
        throw new ModelUnavailableError(
          `${recipe.label} is an ONNX model, which tfjs cannot run. Choose the auto or an onnxruntime engine, or load the tfjs model or PyTorch checkpoint it was exported from.`,
        );
      }
      const model = createCsrnet(recipe.config, { kind: 'weights', weights: recipe.weights, source: recipe.label });
      return createCounter({ engine: createTfjsEngine(model, { backend: name }) });
    },
  };
  return { active, tried: selection.tried.map((t) => ({ engine: `tfjs-${t.name}` as ConcreteEngine, error: t.error })) };
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/**
 * Starts the chosen engine. `auto` tries onnxruntime on WebGPU (when there
 * is an adapter), onnxruntime on wasm, then tfjs (webgl → wasm → cpu), and
 * says in `tried` why each one before the winner could not start. A named
 * engine that cannot start rejects with the reason.
 */
export async function activateEngine(choice: EngineChoice, runtimes: EngineRuntimes): Promise<{ active: ActiveEngine; tried: EngineAttempt[] }> {
  if (choice === 'ort-webgpu' || choice === 'ort-wasm') return { active: await activateOrt(choice, runtimes), tried: [] };
  if (choice === 'tfjs-webgl' || choice === 'tfjs-wasm' || choice === 'tfjs-cpu') return activateTfjs(choice.slice('tfjs-'.length) as TfjsBackend, runtimes);
  if (choice !== 'auto') throw new Error(`Unknown engine ${JSON.stringify(choice)}; expected one of ${ENGINE_CHOICES.join(', ')}.`);
  const tried: EngineAttempt[] = [];
  for (const candidate of AUTO_ORT) {
    try {
      return { active: await activateOrt(candidate, runtimes, true), tried };
    } catch (error) {
      tried.push({ engine: candidate, error: firstLine(error) });
    }
  }
  const tfjs = await activateTfjs('auto', runtimes);
  return { active: tfjs.active, tried: [...tried, ...tfjs.tried] };
}
