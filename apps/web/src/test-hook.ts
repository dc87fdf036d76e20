import type { App } from './app.ts';
import { decodeImage, rasterize } from './image-decode.ts';
import type { InferenceClient } from './inference-client.ts';
import type { BackendChoice, BackendInfo, MemoryInfo, ModelInfo } from './protocol.ts';

export interface FixtureRunOptions {
  backend: BackendChoice;
  /** A tfjs model.json URL, relative to the page. @default 'model/model.json' */
  modelUrl?: string;
  /** The image file's bytes (PNG, JPEG…), decoded like an uploaded photo, at full size. */
  image: number[];
}

export interface FixtureRun {
  /** The backend after switching (`tf.getBackend()` in the worker, plus WebGL details). */
  backend: BackendInfo;
  /** `tf.getBackend()` when the inference ran. */
  ranOn: string;
  model: ModelInfo;
  count: number;
  density: number[];
  densityWidth: number;
  densityHeight: number;
  ms: number;
  memory: MemoryInfo;
}

/** `window.__crowdTest`: lets the browser test drive the same worker, decoding and inference path as the page. */
export interface CrowdTestHook {
  /** Resolves once the app has started (backend chosen, first model tried). */
  ready: Promise<void>;
  runFixture(options: FixtureRunOptions): Promise<FixtureRun>;
  /** Frees a model the hook loaded. */
  release(modelUrl: string): Promise<void>;
  memory(): Promise<MemoryInfo>;
}

declare global {
  interface Window {
    __crowdTest?: CrowdTestHook;
  }
}

/**
 * Installs the test hook. It is part of the production build on purpose (the
 * test checks what users get) and is harmless: it only reaches what the page
 * can already do, with models in their own worker slots.
 */
export function installTestHook(app: App, engine: InferenceClient, ready: Promise<void>): void {
  const loaded = new Map<string, ModelInfo>();
  const slot = (url: string) => `test:${url}`;
  window.__crowdTest = {
    ready,
    async runFixture({ backend, modelUrl = 'model/model.json', image }) {
      const url = new URL(modelUrl, document.baseURI).href;
      const backendInfo = await app.switchBackend(backend);
      let model = loaded.get(url);
      if (model === undefined) {
        model = await engine.loadModel(slot(url), { kind: 'url', url }, false);
        loaded.set(url, model);
      }
      const bitmap = await decodeImage(new Blob([new Uint8Array(image)]), 'fixture image');
      const raster = rasterize(bitmap, bitmap.width, bitmap.height, Infinity);
      bitmap.close();
      const result = await engine.count(slot(url), raster.frame);
      const { count, densityWidth, densityHeight, ms, memory } = result;
      return { backend: backendInfo, ranOn: result.backend, model, count, density: Array.from(result.density), densityWidth, densityHeight, ms, memory };
    },
    async release(modelUrl) {
      const url = new URL(modelUrl, document.baseURI).href;
      loaded.delete(url);
      await engine.unloadModel(slot(url));
    },
    memory: () => engine.memory(),
  };
}
