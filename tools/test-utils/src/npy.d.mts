export type NpyData = Float32Array | Float64Array | Uint8Array;

export interface NpyArray {
  shape: number[];
  dtype: '<f4' | '<f8' | '|u1';
  data: NpyData;
}

/** Reads a NumPy v1.0 `.npy` file (C order; `<f4`, `<f8` or `|u1`), the format every reference fixture uses. */
export declare function readNpy(path: string): NpyArray;

/** Writes a float32 array as a NumPy v1.0 `.npy` file (`<f4`, C order) of the given shape. */
export declare function writeNpy(path: string, shape: readonly number[], data: Float32Array): void;
