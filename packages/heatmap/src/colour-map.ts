export type ColourMapName = 'viridis' | 'inferno' | 'turbo';
export const COLOUR_MAP_NAMES: readonly ColourMapName[] = ['viridis', 'inferno', 'turbo'];

/**
 * 17 control colours (8-bit RGB) per map, at t = 0, 1/16, …, 1: entries
 * round(i·255/16) of the 256-entry tables in matplotlib 3.6's
 * `_cm_listed.py` — viridis and inferno by Stéfan van der Walt and Nathaniel
 * Smith (CC0), turbo by Anton Mikhailov (Google, Apache-2.0). Linear
 * interpolation between them stays within 7/255 of the full tables per
 * channel (checked against matplotlib), invisible under a translucent overlay.
 */
const CONTROL_POINTS: Record<ColourMapName, readonly number[]> = {
  viridis: [
    68, 1, 84, 72, 24, 106, 71, 45, 123, 66, 64, 134, 59, 82, 139, 51, 99, 141, 44, 114, 142, 38, 130, 142, 33, 145, 140, 31, 159, 136, 39, 173, 129, 61, 188,
    116, 92, 200, 99, 129, 211, 77, 170, 220, 50, 213, 226, 26, 253, 231, 37,
  ],
  inferno: [
    0, 0, 4, 11, 7, 36, 33, 12, 74, 61, 9, 101, 87, 16, 110, 113, 25, 110, 138, 34, 106, 163, 44, 97, 188, 55, 84, 208, 69, 69, 227, 89, 51, 241, 113, 31, 249,
    140, 10, 252, 170, 15, 249, 201, 50, 242, 232, 101, 252, 255, 164,
  ],
  turbo: [
    48, 18, 59, 64, 64, 162, 70, 107, 227, 66, 148, 255, 40, 188, 235, 24, 221, 194, 50, 242, 152, 109, 254, 98, 164, 252, 60, 203, 237, 52, 236, 209, 58, 253,
    174, 53, 251, 129, 34, 236, 83, 15, 210, 49, 5, 172, 23, 1, 122, 4, 3,
  ],
};

const SEGMENTS = 16;

/** The colour at t ∈ [0, 1] (clamped), as [r, g, b] in 0…255 (not rounded). */
export function colourAt(name: ColourMapName, t: number): [number, number, number] {
  const table = CONTROL_POINTS[name];
  const x = Math.min(Math.max(Number.isNaN(t) ? 0 : t, 0), 1) * SEGMENTS;
  const i = Math.min(Math.floor(x), SEGMENTS - 1);
  const f = x - i;
  const at = (k: number) => table[3 * i + k] + f * (table[3 * (i + 1) + k] - table[3 * i + k]);
  return [at(0), at(1), at(2)];
}

/** `size` colours at t = k / (size − 1), rounded to bytes: RGB interleaved, for per-pixel lookup. */
export function colourTable(name: ColourMapName, size = 256): Uint8Array {
  const out = new Uint8Array(size * 3);
  for (let k = 0; k < size; k++) out.set(colourAt(name, k / (size - 1)).map(Math.round), 3 * k);
  return out;
}
