import type { CountImage } from './count-image.js';
import type { DensityMap } from './density-map.js';

/**
 * Something that runs CSRNet: one image (or tile) in, its ⌊H/8⌋ × ⌊W/8⌋
 * density out. Engines are adapters over a runtime (tfjs on any backend,
 * onnxruntime-node or -web); the counter does tiling, points and checks the
 * same way on all of them.
 */
export interface DensityEngine {
  /** What runs, for reports: `onnxruntime-node (cpu)`, `tfjs (wasm)`. */
  readonly name: string;
  /**
   * The largest input, in pixels, one pass may take; larger images are
   * counted in tiles. Engines bounded by memory (wasm's 4 GB heap) or by a
   * device limit (a WebGPU storage-buffer size) say so here.
   */
  readonly passPixels: number;
  /** The density of the whole image at the engine's full precision. */
  predict(image: CountImage): Promise<DensityMap>;
  /** Frees the model; the engine is unusable afterwards. */
  dispose(): Promise<void>;
}

/**
 * Images above this many pixels are counted in tiles unless an engine says
 * otherwise. The wasm backend's heap is a 32-bit address space (4 GB): the
 * full-width model's first activations are 64 channels × H × W float32, two
 * alive at a time (≈ 1 GB at 2 MP), plus XNNPACK's buffers.
 */
export const DEFAULT_PASS_PIXELS = 2_000_000;
