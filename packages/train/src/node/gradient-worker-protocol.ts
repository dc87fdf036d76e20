import type { ResolvedCsrnetConfig } from '@crowd/csrnet';
import type { RgbImage } from '@crowd/datasets';
import type { TargetMethod } from '../config.js';
import type { ImageWithDensity } from '../joint-transform.js';

/** Where one parameter lies in the shared weight and gradient buffers (float32 elements, tfjs layout). */
export interface ParameterSlot {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

/** What each gradient worker starts with. */
export interface GradientWorkerData {
  backend: 'wasm' | 'cpu';
  config: ResolvedCsrnetConfig;
  layout: ParameterSlot[];
  /** The main thread's weights, rewritten (new `version`) before every step; shared by all workers, read-only to them. */
  weights: SharedArrayBuffer;
  /** This worker's own gradient buffer: it writes an example's gradients here, the main thread sums them. */
  gradients: SharedArrayBuffer;
}

/**
 * A task: one example's loss (the reply) and gradients (written to the
 * worker's gradient buffer), or one image's predicted count (the reply),
 * both at weights `version`.
 */
export type GradientWorkerTask =
  | { kind: 'gradients'; version: number; example: ImageWithDensity; target: TargetMethod }
  | { kind: 'count'; version: number; image: RgbImage };
