/** The quantile of the positive cells that gets full colour (see displayMax). */
export const DISPLAY_QUANTILE = 0.99;

/**
 * The density shown at full colour: the `quantile` of the map's positive
 * cells (nearest rank below), not its maximum, so that a few very dense cells
 * (a tight cluster, a hot border) do not fade the rest of the crowd; denser
 * cells are clamped and the legend marks its top "+". 0 when nothing is
 * positive.
 */
export function displayMax(data: ArrayLike<number>, quantile: number = DISPLAY_QUANTILE): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] > 0) n++;
  if (n === 0) return 0;
  const positive = new Float32Array(n);
  n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] > 0) positive[n++] = data[i];
  positive.sort();
  return positive[Math.floor(quantile * (n - 1))];
}
