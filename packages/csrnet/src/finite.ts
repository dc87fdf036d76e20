import { CsrnetError } from './errors.js';
import type { NamedTensor } from './named-tensors.js';

/** The index of the first NaN or ±Infinity in `values`, or -1 when every value is finite. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/**
 * The one finiteness check of every weight load (tfjs models, PyTorch
 * checkpoints, VGG-16 imports, optimizer state): throws
 * `CsrnetError('WEIGHTS_NOT_FINITE')` naming `source`, the first tensor that
 * holds a NaN or infinite value, that element (flat and per-axis index) and
 * how many of its values are bad. A model with such a weight would count
 * NaN for every image.
 */
export function assertFiniteTensors(tensors: Iterable<readonly [string, NamedTensor]>, source: string | undefined): void {
  for (const [name, { shape, data }] of tensors) {
    const first = firstNonFinite(data);
    if (first < 0) continue;
    let bad = 0;
    for (let i = first; i < data.length; i++) if (!Number.isFinite(data[i])) bad++;
    throw new CsrnetError(
      'WEIGHTS_NOT_FINITE',
      source,
      `${name} [${shape.join(',')}] holds ${data[first]} at element ${first} (index [${unravel(first, shape).join(', ')}]); ` +
        `${bad.toLocaleString('en-US')} of its ${data.length.toLocaleString('en-US')} values are NaN or infinite. ` +
        'The file is corrupt, or the training run that saved it diverged: use an earlier checkpoint or download the file again',
    );
  }
}

/** A C-order flat index as one index per axis. */
function unravel(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = index % shape[d];
    index = Math.floor(index / shape[d]);
  }
  return out;
}
