/**
 * Orders strings with embedded numbers by value, so `IMG_2` sorts before
 * `IMG_10`. Deliberately locale-independent (plain code-unit order for the
 * text between numbers) so every machine lists a dataset in the same order.
 * Equal numbers written differently (`01` vs `1`) are ordered by length.
 */
export function naturalCompare(a: string, b: string): number {
  const chunksA = a.match(/\d+|\D+/g) ?? [];
  const chunksB = b.match(/\d+|\D+/g) ?? [];
  const n = Math.min(chunksA.length, chunksB.length);
  for (let i = 0; i < n; i++) {
    const x = chunksA[i];
    const y = chunksB[i];
    if (x === y) continue;
    const bothDigits = /^\d/.test(x) && /^\d/.test(y);
    if (bothDigits) {
      // Compare by value without Number(), which loses precision past 2^53.
      const trimmedX = x.replace(/^0+/, '');
      const trimmedY = y.replace(/^0+/, '');
      if (trimmedX.length !== trimmedY.length) return trimmedX.length - trimmedY.length;
      if (trimmedX !== trimmedY) return trimmedX < trimmedY ? -1 : 1;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return chunksA.length - chunksB.length;
}
