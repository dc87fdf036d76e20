import * as tf from '@tensorflow/tfjs';
import { saveCsrnet, type BackendSelection, type CsrnetModel } from '@crowd/csrnet';
import { countFrame } from '../count-frame.ts';
import { tooSmall } from '../image-fit.ts';
import { SAVED_MODEL_URL, type BackendChoice, type BackendInfo, type CountResult, type EngineApi, type Frame, type MemoryInfo, type ModelInfo, type ModelSource } from '../protocol.ts';
import { SerialQueue } from '../serial-queue.ts';
import { loadFromSource } from './model-sources.ts';

/** Activates a tfjs backend (the worker passes `@crowd/csrnet/browser`'s `selectBackend` with wasm paths). */
export type BackendSelector = (choice: BackendChoice) => Promise<BackendSelection>;

function webglDetails(): Pick<BackendInfo, 'webglVersion' | 'webglRenderer'> {
  if (tf.getBackend() !== 'webgl') return {};
  const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
  // The unmasked name says which GPU (or SwiftShader, the CPU fallback) runs webgl.
  const info = gl?.getExtension('WEBGL_debug_renderer_info');
  const renderer = gl?.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
  return { webglVersion: tf.env().getNumber('WEBGL_VERSION'), ...(typeof renderer === 'string' ? { webglRenderer: renderer } : {}) };
}

/**
 * The tfjs side of the app: the active backend and the loaded models, by
 * slot ('app' for the page's model; tests use their own). Calls run one at
 * a time in arrival order, so a backend switch never lands mid-inference.
 */
export class Engine implements EngineApi {
  private readonly models = new Map<string, CsrnetModel>();
  private readonly queue = new SerialQueue();

  constructor(private readonly select: BackendSelector) {}

  setBackend(choice: BackendChoice): Promise<BackendInfo> {
    return this.queue.run(async () => {
      const selection = await this.select(choice);
      return { name: tf.getBackend(), tried: selection.tried, ...webglDetails() };
    });
  }

  loadModel(slot: string, source: ModelSource, save: boolean): Promise<ModelInfo> {
    return this.queue.run(async () => {
      const { model, format, label } = await loadFromSource(source);
      this.models.get(slot)?.dispose();
      this.models.set(slot, model);
      let saved = source.kind === 'saved';
      let saveError: string | undefined;
      if (save && !saved) {
        try {
          await saveCsrnet(model, SAVED_MODEL_URL);
          saved = true;
        } catch (error) {
          saveError = (error as Error).message;
        }
      }
      const parameters = [...model.parameters.values()].reduce((n, v) => n + v.size, 0);
      const { widthDivisor, variant } = model.config;
      return { label, format, widthDivisor, variant, parameters, saved, ...(saveError === undefined ? {} : { saveError }) };
    });
  }

  unloadModel(slot: string): Promise<void> {
    return this.queue.run(() => {
      this.models.get(slot)?.dispose();
      this.models.delete(slot);
    });
  }

  count(slot: string, frame: Frame): Promise<CountResult> {
    return this.queue.run(() => {
      const model = this.models.get(slot);
      if (model === undefined) throw new Error('No model is loaded yet. Load one first (see "Model").');
      const small = tooSmall(frame.width, frame.height);
      if (small !== undefined) throw new Error(small);
      return countFrame(model, frame);
    });
  }

  hasSavedModel(): Promise<boolean> {
    return this.queue.run(async () => SAVED_MODEL_URL in (await tf.io.listModels()));
  }

  forgetSavedModel(): Promise<void> {
    return this.queue.run(async () => {
      if (SAVED_MODEL_URL in (await tf.io.listModels())) await tf.io.removeModel(SAVED_MODEL_URL);
    });
  }

  memory(): Promise<MemoryInfo> {
    return this.queue.run(() => {
      const { numTensors, numBytes } = tf.memory();
      return { numTensors, numBytes };
    });
  }
}
