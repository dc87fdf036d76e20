import type { NamedTensors } from '@crowd/csrnet';
import { describeValue, TrainError } from './errors.js';
import type { OptimizerState } from './optimizer.js';

/** Where each tensor of an optimiser state lies in its binary file (float32 little-endian, C order). */
export interface OptimizerManifest {
  kind: OptimizerState['kind'];
  /** Adam's step count. */
  step?: number;
  /** PyTorch's slot names: `momentum_buffer` (SGD), `exp_avg` and `exp_avg_sq` (Adam). */
  tensors: Array<{ slot: string; name: string; shape: number[]; offset: number }>;
  byteLength: number;
}

const SLOTS = { sgd: ['momentum_buffer'], adam: ['exp_avg', 'exp_avg_sq'] } as const;

function slotsOf(state: OptimizerState): Array<[string, NamedTensors]> {
  return state.kind === 'sgd'
    ? [['momentum_buffer', state.momentumBuffers]]
    : [
        ['exp_avg', state.expAvg],
        ['exp_avg_sq', state.expAvgSq],
      ];
}

/** An optimiser state as a manifest (JSON) and one binary blob, the float32 values exactly. */
export function encodeOptimizerState(state: OptimizerState): { manifest: OptimizerManifest; bytes: Uint8Array } {
  const tensors: OptimizerManifest['tensors'] = [];
  let length = 0;
  for (const [slot, named] of slotsOf(state)) {
    for (const [name, t] of named) {
      tensors.push({ slot, name, shape: [...t.shape], offset: length * 4 });
      length += t.data.length;
    }
  }
  const values = new Float32Array(length);
  let i = 0;
  for (const [, named] of slotsOf(state)) {
    for (const t of named.values()) {
      values.set(t.data, i);
      i += t.data.length;
    }
  }
  const bytes = new Uint8Array(values.buffer);
  const manifest: OptimizerManifest = { kind: state.kind, ...(state.kind === 'adam' ? { step: state.step } : {}), tensors, byteLength: bytes.length };
  return { manifest, bytes };
}

/** Reads back what {@link encodeOptimizerState} wrote; anything inconsistent is a `CHECKPOINT_INVALID` error naming `source`. */
export function decodeOptimizerState(manifest: OptimizerManifest, bytes: Uint8Array, source?: string): OptimizerState {
  const bad = (message: string) => new TrainError('CHECKPOINT_INVALID', `optimizer state: ${message}`, { file: source });
  if (manifest?.kind !== 'sgd' && manifest?.kind !== 'adam') throw bad(`expected kind "sgd" or "adam", found ${describeValue(manifest?.kind)}`);
  if (!Array.isArray(manifest.tensors)) throw bad('expected a tensors list');
  if (bytes.length !== manifest.byteLength) throw bad(`expected ${manifest.byteLength} bytes, found ${bytes.length}`);
  // Copy so the floats are aligned whatever the buffer's offset.
  const values = new Float32Array(bytes.slice().buffer);
  const slots = new Map<string, NamedTensors>(SLOTS[manifest.kind].map((s) => [s, new Map()]));
  for (const t of manifest.tensors) {
    const target = slots.get(t.slot);
    if (target === undefined) throw bad(`unexpected slot ${describeValue(t.slot)} for ${manifest.kind}`);
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (!Number.isInteger(t.offset) || t.offset % 4 !== 0 || t.offset + 4 * n > bytes.length) throw bad(`${t.slot} ${t.name}: ${n} floats at byte ${t.offset} lie outside the ${bytes.length}-byte file`);
    target.set(t.name, { shape: [...t.shape], data: values.slice(t.offset / 4, t.offset / 4 + n) });
  }
  if (manifest.kind === 'sgd') return { kind: 'sgd', momentumBuffers: slots.get('momentum_buffer')! };
  if (!Number.isInteger(manifest.step) || manifest.step! < 0) throw bad(`expected Adam's step count, found ${describeValue(manifest.step)}`);
  return { kind: 'adam', step: manifest.step!, expAvg: slots.get('exp_avg')!, expAvgSq: slots.get('exp_avg_sq')! };
}
