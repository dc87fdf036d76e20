import { formatDensity, type HeatmapOverlay } from '@crowd/heatmap';
import { closeCamera, openCamera } from './camera.ts';
import { describeEngine } from './describe-engine.ts';
import { describeError } from './describe-error.ts';
import { formatBytes, formatCount, formatDuration } from './format.ts';
import { parseInterval } from './frame-schedule.ts';
import { FrameLoop } from './frame-loop.ts';
import { drawHeatmap, drawLegendBar, overlayFor } from './heatmap-view.ts';
import { decodeImage, rasterize, type Raster } from './image-decode.ts';
import { DEFAULT_MAX_SIDE, MAX_SIDE_CHOICES } from './image-fit.ts';
import type { InferenceClient } from './inference-client.ts';
import { isModelFileName } from './model-files.ts';
import { checkModelUrl } from './model-origins.ts';
import type { CountResult, EngineChoice, EngineInfo, MemoryInfo, ModelInfo, ModelSource } from './protocol.ts';
import type { Ui } from './ui.ts';

/** The slot the page's own model lives in, in the worker. */
export const APP_SLOT = 'app';
/** Where the app looks for a model first: `model/model.json` next to index.html. */
export const DEFAULT_MODEL_PATH = 'model/model.json';

/** What the last result drew: the density and the overlay bytes, for the test hook. */
export interface RenderedHeatmap {
  density: Float32Array;
  densityWidth: number;
  densityHeight: number;
  width: number;
  height: number;
  overlay: HeatmapOverlay;
}

/**
 * The page: wires the controls to the inference worker and draws results.
 * Every user action runs through `guard`, which turns any failure into a
 * readable message in the page instead of an unhandled rejection.
 */
export class App {
  private stream: MediaStream | undefined;
  private readonly loop: FrameLoop;
  private engineInfo: EngineInfo | undefined;
  private modelSummary: string | undefined;
  /** Results drawn so far (`data-frames` on the count, for tests and debugging). */
  private renders = 0;
  /** The heat map drawn last. */
  lastHeatmap: RenderedHeatmap | undefined;

  constructor(
    private readonly ui: Ui,
    private readonly engine: InferenceClient,
    /** Origins besides the page's own that models may be fetched from (the CSP's connect-src). */
    private readonly modelOrigins: readonly string[],
  ) {
    this.loop = new FrameLoop(
      () => this.countCameraFrame(),
      () => parseInterval(this.ui.cameraInterval.value),
      (error) => {
        this.stopCamera();
        this.showError(describeError(error, 'Counting a camera frame'));
      },
    );
  }

  /** Sets up the controls, then starts an engine and loads the first model. Never rejects. */
  async start(): Promise<void> {
    const { ui } = this;
    for (const side of MAX_SIDE_CHOICES) ui.maxSide.add(new Option(`${side}`, `${side}`, side === DEFAULT_MAX_SIDE, side === DEFAULT_MAX_SIDE));
    ui.modelOrigins.textContent = `Models may come from this site and from ${this.modelOrigins.join(', ')}; nothing else is ever contacted.`;
    drawLegendBar(ui.legendBar);
    this.wireEvents();
    await this.guard('Starting the engine', () => this.switchEngine(ui.engine.value as EngineChoice));
    await this.guard('Loading the model', () => this.loadInitialModel());
    await this.refreshSavedState();
  }

  private wireEvents(): void {
    const { ui } = this;
    ui.modelInput.addEventListener('change', () => {
      const files = [...(ui.modelInput.files ?? [])];
      ui.modelInput.value = '';
      void this.guard('Loading the model', () => this.loadModel({ kind: 'files', files }));
    });
    ui.modelUrlForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.guard('Loading the model', () => this.loadModelUrl(ui.modelUrl.value));
    });
    ui.imageInput.addEventListener('change', () => {
      const file = ui.imageInput.files?.[0];
      ui.imageInput.value = '';
      if (file) void this.guard('Counting the photo', () => this.countPhoto(file));
    });
    ui.engine.addEventListener('change', () => void this.guard('Switching the engine', () => this.switchEngine(ui.engine.value as EngineChoice)));
    ui.forgetModel.addEventListener('click', () => void this.guard('Forgetting the saved model', async () => {
      await this.engine.forgetSavedModel();
      await this.refreshSavedState();
    }));
    ui.cameraStart.addEventListener('click', () => void this.guard('Starting the camera', () => this.startCamera()));
    ui.cameraStop.addEventListener('click', () => this.stopCamera());
    // Dropping a file anywhere must not navigate away from the app.
    for (const type of ['dragover', 'drop'] as const) window.addEventListener(type, (event) => event.preventDefault());
    ui.dropZone.addEventListener('dragover', () => ui.dropZone.classList.add('dragging'));
    ui.dropZone.addEventListener('dragleave', () => ui.dropZone.classList.remove('dragging'));
    ui.dropZone.addEventListener('drop', (event) => {
      ui.dropZone.classList.remove('dragging');
      const files = [...(event.dataTransfer?.files ?? [])];
      if (files.length === 0) return;
      if (files.every((f) => isModelFileName(f.name))) void this.guard('Loading the model', () => this.loadModel({ kind: 'files', files }));
      else if (files.length === 1) void this.guard('Counting the photo', () => this.countPhoto(files[0]));
      else this.showError('Drop one photo at a time (or a model.json with its weights.bin).');
    });
  }

  /** Runs a user action; a failure becomes a message in the page. Resolves to undefined on failure. */
  async guard<T>(action: string, task: () => Promise<T>): Promise<T | undefined> {
    this.clearError();
    try {
      return await task();
    } catch (error) {
      this.showError(describeError(error, action));
      return undefined;
    }
  }

  showError(text: string): void {
    this.ui.message.textContent = text;
    this.ui.message.hidden = false;
  }

  clearError(): void {
    this.ui.message.textContent = '';
    this.ui.message.hidden = true;
  }

  async switchEngine(choice: EngineChoice): Promise<EngineInfo> {
    const { ui } = this;
    ui.engine.value = choice;
    ui.engineStatus.textContent = 'starting…';
    let info: EngineInfo;
    try {
      info = await this.engine.setEngine(choice);
    } catch (error) {
      ui.engineStatus.textContent = this.engineInfo ? `still ${describeEngine(this.engineInfo).slice('using '.length)}` : 'none';
      throw error;
    }
    this.engineInfo = info;
    ui.engineStatus.textContent = describeEngine(info);
    await this.refreshDebug();
    const unavailable = info.unavailable[APP_SLOT];
    if (unavailable !== undefined) this.showError(unavailable);
    return info;
  }

  /** Checks `input` against the allowed origins here, before the worker is even asked, then loads it. */
  async loadModelUrl(input: string): Promise<ModelInfo> {
    const url = checkModelUrl(input, document.baseURI, this.modelOrigins);
    return this.loadModel({ kind: 'url', url: url.href });
  }

  async loadModel(source: ModelSource): Promise<ModelInfo> {
    const { ui } = this;
    ui.modelStatus.textContent = 'Loading…';
    let info: ModelInfo;
    try {
      info = await this.engine.loadModel(APP_SLOT, source, ui.saveModel.checked && source.kind !== 'saved');
    } catch (error) {
      ui.modelStatus.textContent = this.modelSummary ?? 'No model loaded.';
      throw error;
    }
    this.modelSummary = `${info.label}: CSRNet ${info.variant}${info.widthDivisor === 1 ? '' : `, width ÷${info.widthDivisor}`}, ${info.parameters.toLocaleString('en-US')} parameters (${info.format})${info.saved ? ' · saved on this device' : ''}`;
    ui.modelStatus.textContent = this.modelSummary;
    if (info.saveError !== undefined) this.showError(`The model works, but saving it on this device failed: ${info.saveError}`);
    if (info.unavailable !== undefined) this.showError(info.unavailable);
    await this.refreshSavedState();
    await this.refreshDebug();
    return info;
  }

  /** The saved copy if there is one, else `model/model.json` next to the app. */
  private async loadInitialModel(): Promise<void> {
    if (await this.engine.hasSavedModel()) {
      const loaded = await this.guard('Loading the saved model', () => this.loadModel({ kind: 'saved' }));
      if (loaded) return;
    }
    const url = new URL(DEFAULT_MODEL_PATH, document.baseURI).href;
    try {
      await this.loadModel({ kind: 'url', url });
    } catch (error) {
      this.ui.modelStatus.textContent = `No model at ./${DEFAULT_MODEL_PATH}. Load model files or a model URL above (see the README for how to make one).`;
      throw error;
    }
  }

  private async refreshSavedState(): Promise<void> {
    this.ui.forgetModel.hidden = !(await this.engine.hasSavedModel().catch(() => false));
  }

  async countPhoto(file: File): Promise<CountResult> {
    this.stopCamera();
    const bitmap = await decodeImage(file, file.name);
    let raster: Raster;
    try {
      raster = rasterize(bitmap, bitmap.width, bitmap.height, this.maxSide());
    } finally {
      bitmap.close();
    }
    return this.countRaster(raster);
  }

  async countRaster(raster: Raster): Promise<CountResult> {
    const result = await this.engine.count(APP_SLOT, raster.frame);
    this.render(raster, result);
    return result;
  }

  private maxSide(): number {
    return Number(this.ui.maxSide.value) || DEFAULT_MAX_SIDE;
  }

  private render(raster: Raster, result: CountResult): void {
    const { ui } = this;
    ui.count.textContent = formatCount(result.count);
    ui.count.dataset.count = String(result.count);
    ui.count.dataset.frames = String(++this.renders);
    ui.warnings.replaceChildren(...result.warnings.map((w) => Object.assign(document.createElement('li'), { textContent: `Warning: ${w.message}.` })));
    ui.warnings.hidden = result.warnings.length === 0;
    ui.warnings.dataset.codes = result.warnings.map((w) => w.code).join(' ');
    const { width, height } = raster.photo;
    const overlay = overlayFor(result, width, height);
    drawHeatmap(ui.heatmap, raster.photo, overlay);
    this.lastHeatmap = { density: result.density, densityWidth: result.densityWidth, densityHeight: result.densityHeight, width, height, overlay };
    ui.legendLo.textContent = '0';
    ui.legendHi.textContent = `${formatDensity(overlay.vmax)}${overlay.clamped ? '+' : ''}`;
    ui.timing.textContent = `${formatDuration(result.ms)} on ${result.engine}`;
    const frame = raster.frame;
    ui.scaleNote.textContent = raster.downscaled
      ? `Counted at ${frame.width}×${frame.height} px, downscaled from ${raster.sourceWidth}×${raster.sourceHeight} (largest side ${this.maxSide()} px); the count is for the whole picture.`
      : `Counted at full size, ${frame.width}×${frame.height} px.`;
    this.showMemory(result.memory);
  }

  private showMemory(memory: MemoryInfo): void {
    this.ui.debug.textContent = `tfjs: ${memory.tfjsTensors} tensors, ${formatBytes(memory.tfjsBytes)} · onnxruntime: ${memory.ortSessions} sessions · engine ${this.engineInfo?.name ?? 'none'}`;
  }

  private async refreshDebug(): Promise<void> {
    this.showMemory(await this.engine.memory());
  }

  private async startCamera(): Promise<void> {
    if (this.loop.running) return;
    this.stream = await openCamera(this.ui.video);
    this.ui.cameraStart.disabled = true;
    this.ui.cameraStop.disabled = false;
    this.loop.start();
  }

  stopCamera(): void {
    this.loop.stop();
    closeCamera(this.ui.video, this.stream);
    this.stream = undefined;
    this.ui.cameraStart.disabled = false;
    this.ui.cameraStop.disabled = true;
  }

  private async countCameraFrame(): Promise<void> {
    const { video } = this.ui;
    if (video.videoWidth === 0 || video.videoHeight === 0) return; // no frame yet
    await this.countRaster(rasterize(video, video.videoWidth, video.videoHeight, this.maxSide()));
  }
}
