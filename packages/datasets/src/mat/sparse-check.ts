/**
 * What is wrong with a compressed-sparse-column structure, or undefined when
 * it is sound: `jc` has cols+1 non-decreasing pointers from 0, and each of the
 * jc[cols] nonzeros has a row index in 0..rows-1.
 */
export function sparseProblem(rows: number, cols: number, ir: ArrayLike<number>, jc: ArrayLike<number>): string | undefined {
  if (jc.length !== cols + 1) return `${jc.length} column pointers (jc) for ${cols} columns (need ${cols + 1})`;
  if (jc[0] !== 0) return `the first column pointer (jc) is ${jc[0]}, not 0`;
  for (let c = 0; c < cols; c++) {
    if (jc[c + 1] < jc[c]) return `column pointers (jc) decrease at column ${c + 1}`;
  }
  const nonzeros = jc[cols];
  if (ir.length < nonzeros) return `${ir.length} row indices (ir) for ${nonzeros} nonzeros`;
  for (let k = 0; k < nonzeros; k++) {
    if (!(ir[k] >= 0 && ir[k] < rows)) return `row index (ir) ${ir[k]} is outside 0..${rows - 1}`;
  }
  return undefined;
}

/** ir or jc values as Int32Array, clamped so that out-of-range values fail sparseProblem instead of wrapping into range. */
export function indexArray(values: ArrayLike<number | bigint>): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.max(-1, Math.min(Number(values[i]), 0x7fffffff));
  return out;
}
