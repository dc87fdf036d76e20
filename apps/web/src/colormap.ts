/**
 * Turbo, Google's perceptual rainbow colour map (Mikhailov 2019), through
 * its published degree-5 polynomial fit: dark blue (low) → cyan → green →
 * yellow → dark red (high). Brightness rises then falls smoothly, without
 * jet's false bands.
 */
const RED = [0.13572138, 4.6153926, -42.66032258, 132.13108234, -152.94239396, 59.28637943];
const GREEN = [0.09140261, 2.19418839, 4.84296658, -14.18503333, 4.27729857, 2.82956604];
const BLUE = [0.1066733, 12.64194608, -60.58204836, 110.36276771, -89.90310912, 27.34824973];

function poly(c: readonly number[], x: number): number {
  let y = 0;
  for (let i = c.length - 1; i >= 0; i--) y = y * x + c[i];
  return y;
}

const toByte = (v: number): number => Math.round(255 * Math.min(1, Math.max(0, v)));

/** Turbo colour for `t` in [0, 1] (clamped) as 8-bit `[r, g, b]`. */
export function turbo(t: number): [number, number, number] {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  return [toByte(poly(RED, x)), toByte(poly(GREEN, x)), toByte(poly(BLUE, x))];
}

/** 256 turbo colours as interleaved RGB bytes, for per-pixel lookups. */
export function turboTable(): Uint8Array {
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) table.set(turbo(i / 255), i * 3);
  return table;
}
