import type { MatNumericArray, MatNumericClass } from './mat-value.js';

type ClassArrayConstructor = { new (length: number): MatNumericArray };

const CLASS_ARRAYS: Record<MatNumericClass, ClassArrayConstructor> = {
  double: Float64Array,
  single: Float32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
};

export function isNumericClass(name: string): name is MatNumericClass {
  return Object.hasOwn(CLASS_ARRAYS, name);
}

/** The class whose array type `values` has ('double' for a Float64Array), if any. */
export function classOfArray(values: unknown): MatNumericClass | undefined {
  return (Object.keys(CLASS_ARRAYS) as MatNumericClass[]).find((cls) => values instanceof CLASS_ARRAYS[cls]);
}

/** An empty array of class `cls`. */
export function emptyArray(cls: MatNumericClass): MatNumericArray {
  return new CLASS_ARRAYS[cls](0);
}

/**
 * `values` in the array type of `cls`. MATLAB stores data in the narrowest
 * type that holds it exactly (a double matrix of small integers as miUINT8),
 * so widening is the normal case. Returns null when a float value cannot
 * become a 64-bit integer (not a whole number), which only a corrupt file has.
 */
export function toClassArray(values: MatNumericArray, cls: MatNumericClass): MatNumericArray | null {
  const Ctor = CLASS_ARRAYS[cls];
  if (values instanceof Ctor) return values;
  const out = new Ctor(values.length);
  if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (typeof value === 'bigint') out[i] = value;
      else if (Number.isInteger(value)) out[i] = BigInt(value);
      else return null;
    }
  } else {
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
  }
  return out;
}

/** A logical array's data: 1 for each nonzero value, else 0. */
export function toLogical(values: MatNumericArray): Uint8Array {
  const data = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = values[i] != 0 ? 1 : 0;
  return data;
}

/** The double 0×0 `[]`, which an miMATRIX element with no data stands for. */
export function emptyDouble(): { kind: 'numeric'; class: 'double'; dims: number[]; real: Float64Array } {
  return { kind: 'numeric', class: 'double', dims: [0, 0], real: new Float64Array(0) };
}
