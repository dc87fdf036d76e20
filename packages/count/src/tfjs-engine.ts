import type { CsrnetModel } from '@crowd/csrnet';
import type { CountImage } from './count-image.js';
import { DEFAULT_PASS_PIXELS, type DensityEngine } from './density-engine.js';
import type { DensityMap } from './density-map.js';

export interface TfjsEngineOptions {
  /** The active tfjs backend's name, for reports (`tf.getBackend()`). */
  backend: string;
  /** @default DEFAULT_PASS_PIXELS (the wasm heap); GPU backends pass their device's budget */
  passPixels?: number;
}

/**
 * CSRNet on TensorFlow.js, on whatever backend is active. Every tensor a
 * call makes is freed before it returns (also when it throws), so counting
 * for hours does not grow tfjs memory. The engine owns the model.
 */
export function createTfjsEngine(model: CsrnetModel, options: TfjsEngineOptions): DensityEngine {
  return {
    name: `tfjs (${options.backend})`,
    passPixels: options.passPixels ?? DEFAULT_PASS_PIXELS,
    async predict(image: CountImage): Promise<DensityMap> {
      const input = model.preprocess(image.data, image.width, image.height);
      let density;
      try {
        density = model.predict(input);
      } finally {
        input.dispose();
      }
      try {
        const [, height, width] = density.shape;
        return { height, width, data: (await density.data()) as Float32Array };
      } finally {
        density.dispose();
      }
    },
    async dispose() {
      model.dispose();
    },
  };
}
