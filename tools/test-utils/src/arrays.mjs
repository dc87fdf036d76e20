// Small array helpers shared by tests, benchmarks and the GPU check. Plain JavaScript so that
// bare Node (benches, tools/device) can import it as well as vitest.

/** The largest |a[i] − b[i]| and the largest |b[i]| (the scale a tolerance is relative to). */
export function maxDiff(a, b) {
  if (a.length !== b.length) throw new Error(`cannot compare ${a.length} values with ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return { diff, scale };
}

/** The byte arrays one after another, as one new array. */
export function concatBytes(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}
