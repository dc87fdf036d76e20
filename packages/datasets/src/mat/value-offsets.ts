import type { MatValue } from './mat-value.js';

/**
 * The file offset each parsed value came from, kept beside the values rather
 * than in them so that MatValue stays plain data. Lets numericMatrix and
 * getPath report a byte offset when a value has the wrong shape.
 */
const offsets = new WeakMap<MatValue, number>();

export function recordOffset<T extends MatValue>(value: T, offset: number): T {
  offsets.set(value, offset);
  return value;
}

/** Where `value` was read from, or 0 for a value no reader produced. */
export function offsetOf(value: MatValue): number {
  return offsets.get(value) ?? 0;
}
