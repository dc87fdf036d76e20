// The full-width fixture model's weights, rebuilt bit-exactly from the closed
// form in tools/fixtures/README.md §5 (the fixture ships hashes, not 65 MB).
// Plain JavaScript so that benchmarks run by bare Node can import it too.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const MANIFEST = new URL('../../fixtures/csrnet-full-formula/weights.json', import.meta.url);

/** Tensor `index` of the formula model: n float32 values in ±bound from the lowbias32 hash of (seed, index, i). */
export function formulaTensor(seed, index, n, bound) {
  const out = new Float32Array(n);
  const base = (Math.imul(seed, 0x9e3779b9) + Math.imul(index, 0x85ebca6b)) >>> 0;
  for (let i = 0; i < n; i++) {
    let x = (base + i) >>> 0;
    x ^= x >>> 16;
    x = Math.imul(x, 0x7feb352d);
    x ^= x >>> 15;
    x = Math.imul(x, 0x846ca68b);
    x ^= x >>> 16;
    x >>>= 0;
    out[i] = (2 * (x / 4294967296) - 1) * bound;
  }
  return out;
}

/**
 * All 34 tensors of the full-width formula model in state_dict order (OIHW),
 * each checked against the sha256 in the fixture's weights.json; a mismatch throws.
 */
export function formulaWeights() {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  const out = new Map();
  manifest.tensors.forEach((t, index) => {
    const n = t.shape.reduce((a, b) => a * b, 1);
    // Weights: U(±sqrt(6 / fan_in)); biases: U(±0.1).
    const bound = t.shape.length === 4 ? Math.sqrt(6 / (t.shape[1] * t.shape[2] * t.shape[3])) : 0.1;
    const data = formulaTensor(manifest.seed, index, n, bound);
    const digest = createHash('sha256').update(new Uint8Array(data.buffer)).digest('hex');
    if (digest !== t.sha256) throw new Error(`formula weights: ${t.name} has sha256 ${digest}, the fixture says ${t.sha256}`);
    out.set(t.name, { shape: [...t.shape], data });
  });
  return out;
}
