import * as tf from '@tensorflow/tfjs';
import type { Counter } from '@crowd/count';
import { tooSmall } from '../image-fit.ts';
import type { CountResult, EngineApi, EngineChoice, EngineInfo, Frame, MemoryInfo, ModelInfo, ModelSource } from '../protocol.ts';
import { SerialQueue } from '../serial-queue.ts';
import { activateEngine, ModelUnavailableError, type ActiveEngine, type EngineRuntimes } from './engines.ts';
import { fetchModelFiles, type Fetch } from './fetch-model-files.ts';
import { parameterCount, readModelRecipe, type ModelRecipe } from './model-recipe.ts';
import type { SavedModelStore } from './saved-model-store.ts';

/** What the Engine needs from its surroundings; the worker passes the browser's, unit tests Node's. */
export interface EngineDeps {
  runtimes: EngineRuntimes;
  /** Live onnxruntime sessions (see createSessionTracker). */
  ortSessions(): number;
  store: SavedModelStore;
  fetch: Fetch;
  /** The page's URL: relative model URLs resolve against it, and its origin is always allowed. */
  pageUrl: string;
  /** Other origins models may come from (fixed at build time, as the CSP's connect-src). */
  modelOrigins: readonly string[];
  /** `self.crossOriginIsolated`. */
  crossOriginIsolated: boolean;
}

interface Slot {
  recipe: ModelRecipe;
  counter?: Counter;
  /** Why the active engine cannot run it. */
  unavailable?: string;
}

/**
 * The worker's side of the app: the active engine and the loaded models, by
 * slot ('app' for the page's model; tests use their own). Each model is kept
 * as a recipe (weights or ONNX bytes) and counted by a `@crowd/count`
 * Counter on the active engine; switching engines rebuilds the counters.
 * Calls run one at a time in arrival order, so a switch never lands
 * mid-inference.
 */
export class Engine implements EngineApi {
  private readonly slots = new Map<string, Slot>();
  private readonly queue = new SerialQueue();
  private active: ActiveEngine | undefined;
  private info: Omit<EngineInfo, 'unavailable'> | undefined;

  constructor(private readonly deps: EngineDeps) {}

  setEngine(choice: EngineChoice): Promise<EngineInfo> {
    return this.queue.run(async () => {
      const { active, tried } = await activateEngine(choice, this.deps.runtimes);
      for (const slot of this.slots.values()) await this.dropCounter(slot);
      this.active = active;
      const { engine, name, threads, device } = active;
      this.info = { engine, name, tried, crossOriginIsolated: this.deps.crossOriginIsolated, ...(threads === undefined ? {} : { threads }), ...(device === undefined ? {} : { device }) };
      // A model that fails here stays loaded and says why; another engine may run it.
      for (const slot of this.slots.values()) await this.build(slot).catch((error: unknown) => (slot.unavailable = (error as Error).message));
      return this.engineInfo();
    });
  }

  loadModel(slotName: string, source: ModelSource, save: boolean): Promise<ModelInfo> {
    return this.queue.run(async () => {
      const recipe = await this.readSource(source);
      const slot: Slot = { recipe };
      try {
        await this.build(slot);
      } catch (error) {
        // An .onnx on tfjs is still loaded (and remembered): the page says to choose another engine.
        if (!(error instanceof ModelUnavailableError)) throw error;
        slot.unavailable = error.message;
      }
      const previous = this.slots.get(slotName);
      if (previous !== undefined) await this.dropCounter(previous);
      this.slots.set(slotName, slot);
      let saved = source.kind === 'saved';
      let saveError: string | undefined;
      if (save && !saved) {
        try {
          await this.deps.store.put({ label: recipe.label, files: recipe.files, ...(recipe.url === undefined ? {} : { url: recipe.url }) });
          saved = true;
        } catch (error) {
          saveError = (error as Error).message;
        }
      }
      const { widthDivisor, variant } = recipe.config;
      return {
        label: recipe.label,
        format: recipe.format,
        widthDivisor,
        variant,
        parameters: parameterCount(recipe.config),
        saved,
        ...(saveError === undefined ? {} : { saveError }),
        ...(slot.unavailable === undefined ? {} : { unavailable: slot.unavailable }),
      };
    });
  }

  unloadModel(slotName: string): Promise<void> {
    return this.queue.run(async () => {
      const slot = this.slots.get(slotName);
      this.slots.delete(slotName);
      if (slot !== undefined) await this.dropCounter(slot);
    });
  }

  count(slotName: string, frame: Frame): Promise<CountResult> {
    return this.queue.run(async () => {
      const slot = this.slots.get(slotName);
      if (slot === undefined) throw new Error('No model is loaded yet. Load one first (see "Model").');
      if (slot.counter === undefined) throw new ModelUnavailableError(slot.unavailable ?? 'Choose an engine first.');
      const small = tooSmall(frame.width, frame.height);
      if (small !== undefined) throw new Error(small);
      const start = performance.now();
      const result = await slot.counter.count({ data: frame.pixels, width: frame.width, height: frame.height, channels: 4 });
      const ms = performance.now() - start;
      const { density, count, warnings, engine } = result;
      return { count, density: density.data, densityWidth: density.width, densityHeight: density.height, warnings, ms, engine, memory: this.memoryNow() };
    });
  }

  hasSavedModel(): Promise<boolean> {
    return this.queue.run(async () => (await this.deps.store.get()) !== undefined);
  }

  forgetSavedModel(): Promise<void> {
    return this.queue.run(() => this.deps.store.delete());
  }

  memory(): Promise<MemoryInfo> {
    return this.queue.run(() => this.memoryNow());
  }

  private memoryNow(): MemoryInfo {
    const { numTensors, numBytes } = tf.memory();
    return { tfjsTensors: numTensors, tfjsBytes: numBytes, ortSessions: this.deps.ortSessions() };
  }

  private engineInfo(): EngineInfo {
    const unavailable: Record<string, string> = {};
    for (const [name, slot] of this.slots) if (slot.unavailable !== undefined) unavailable[name] = slot.unavailable;
    return { ...this.info!, unavailable };
  }

  private async readSource(source: ModelSource): Promise<ModelRecipe> {
    switch (source.kind) {
      case 'url': {
        const { url, files } = await fetchModelFiles(source.url, this.deps.pageUrl, this.deps.modelOrigins, this.deps.fetch);
        return readModelRecipe(files, url, url);
      }
      case 'files':
        return readModelRecipe(source.files, source.files.map((f) => f.name).join(' + '));
      case 'saved': {
        const saved = await this.deps.store.get();
        if (saved === undefined) throw new Error('No model is saved on this device.');
        return readModelRecipe(saved.files, `the copy saved on this device (${saved.label})`, saved.url);
      }
      default:
        throw new Error(`unknown model source ${JSON.stringify(source)}`);
    }
  }

  /** Builds the slot's counter on the active engine. */
  private async build(slot: Slot): Promise<void> {
    if (this.active === undefined) throw new Error('No engine is running yet: choose one first.');
    slot.unavailable = undefined;
    slot.counter = await this.active.counterFor(slot.recipe);
  }

  private async dropCounter(slot: Slot): Promise<void> {
    const counter = slot.counter;
    slot.counter = undefined;
    await counter?.dispose();
  }
}
