import type { CountWarning } from '@crowd/count';
import type { App } from './app.ts';
import { overlayFor } from './heatmap-view.ts';
import { decodeImage, rasterize } from './image-decode.ts';
import type { InferenceClient } from './inference-client.ts';
import type { EngineChoice, EngineInfo, MemoryInfo, ModelInfo } from './protocol.ts';

export interface FixtureRunOptions {
  engine: EngineChoice;
  /** A model URL (tfjs model.json, .pth.tar or .onnx), relative to the page. @default 'model/model.json' */
  modelUrl?: string;
  /** The image file's bytes (PNG, JPEG…), decoded like an uploaded photo, at full size. */
  image: number[];
}

export interface FixtureRun {
  /** The engine after switching. */
  engine: EngineInfo;
  /** What counted the image (the counter's engine name). */
  ranOn: string;
  model: ModelInfo;
  count: number;
  density: number[];
  densityWidth: number;
  densityHeight: number;
  warnings: CountWarning[];
  ms: number;
  memory: MemoryInfo;
}

/** The heat map as the page computed it: base64 so that large overlays cross to the test cheaply. */
export interface HeatmapBytes {
  density: number[];
  densityWidth: number;
  densityHeight: number;
  width: number;
  height: number;
  vmax: number;
  clamped: boolean;
  rgbaBase64: string;
}

/** `window.__crowdTest`: lets the browser test drive the same worker, decoding, inference and drawing code as the page. */
export interface CrowdTestHook {
  /** Resolves once the app has started (engine chosen, first model tried). */
  ready: Promise<void>;
  runFixture(options: FixtureRunOptions): Promise<FixtureRun>;
  /** Frees a model the hook loaded. */
  release(modelUrl: string): Promise<void>;
  memory(): Promise<MemoryInfo>;
  /** The heat map the page drew last (after a photo or a camera frame). */
  lastHeatmap(): HeatmapBytes | undefined;
  /** The page's overlay for a given density over a `width × height` photo. */
  overlay(density: number[], densityWidth: number, densityHeight: number, width: number, height: number): HeatmapBytes;
}

declare global {
  interface Window {
    __crowdTest?: CrowdTestHook;
  }
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function heatmapBytes(grid: { density: ArrayLike<number>; densityWidth: number; densityHeight: number }, width: number, height: number, overlay: ReturnType<typeof overlayFor>): HeatmapBytes {
  const { densityWidth, densityHeight } = grid;
  return { density: Array.from(grid.density), densityWidth, densityHeight, width, height, vmax: overlay.vmax, clamped: overlay.clamped, rgbaBase64: base64(overlay.rgba) };
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
    async runFixture({ engine: choice, modelUrl = 'model/model.json', image }) {
      const url = new URL(modelUrl, document.baseURI).href;
      const engineInfo = await app.switchEngine(choice);
      let model = loaded.get(url);
      if (model === undefined) {
        model = await engine.loadModel(slot(url), { kind: 'url', url }, false);
        loaded.set(url, model);
      }
      const bitmap = await decodeImage(new Blob([new Uint8Array(image)]), 'fixture image');
      const raster = rasterize(bitmap, bitmap.width, bitmap.height, Infinity);
      bitmap.close();
      const result = await engine.count(slot(url), raster.frame);
      const { count, densityWidth, densityHeight, warnings, ms, memory } = result;
      return { engine: engineInfo, ranOn: result.engine, model, count, density: Array.from(result.density), densityWidth, densityHeight, warnings, ms, memory };
    },
    async release(modelUrl) {
      const url = new URL(modelUrl, document.baseURI).href;
      loaded.delete(url);
      await engine.unloadModel(slot(url));
    },
    memory: () => engine.memory(),
    lastHeatmap() {
      const last = app.lastHeatmap;
      return last && heatmapBytes(last, last.width, last.height, last.overlay);
    },
    overlay(density, densityWidth, densityHeight, width, height) {
      const grid = { density: Float32Array.from(density), densityWidth, densityHeight };
      return heatmapBytes(grid, width, height, overlayFor(grid, width, height));
    },
  };
}
