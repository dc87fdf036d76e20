import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createCsrnet, saveCsrnet, type NamedTensors, type NeutralWeightsManifest } from '@crowd/csrnet';
import { fileSystemHandler, loadCsrnetFile, selectBackend } from '@crowd/csrnet/node';
import { fixture } from '@crowd/test-utils';

/** The closed-form weights of tools/fixtures/csrnet-full-formula (fixtures README, section 5), bit-exact. */
function formulaTensor(seed: number, index: number, n: number, bound: number): Float32Array {
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

/** Rebuilds the full-width formula model's 34 tensors, each checked against the manifest's sha256. */
function formulaWeights(): NamedTensors {
  const manifest = JSON.parse(readFileSync(fixture('csrnet-full-formula', 'weights.json'), 'utf8')) as NeutralWeightsManifest & { seed: number };
  const out: NamedTensors = new Map();
  manifest.tensors.forEach((t, index) => {
    const n = t.shape.reduce((a, b) => a * b, 1);
    const bound = t.shape.length === 4 ? Math.sqrt(6 / (t.shape[1] * t.shape[2] * t.shape[3])) : 0.1;
    const data = formulaTensor(manifest.seed, index, n, bound);
    const digest = createHash('sha256').update(new Uint8Array(data.buffer)).digest('hex');
    if (digest !== t.sha256) throw new Error(`formula weights: ${t.name} sha256 ${digest}, expected ${t.sha256}`);
    out.set(t.name, { shape: t.shape, data });
  });
  return out;
}

/** Converts the ÷8 fixture checkpoint (zip .pth.tar) to tfjs `model.json` + `weights.bin` in `dir`, as `crowd convert` does. */
export async function writeFixtureModel(dir: string): Promise<void> {
  await selectBackend('cpu');
  const { model } = await loadCsrnetFile(fixture('csrnet', 'zip', 'model_best.pth.tar'));
  try {
    await saveCsrnet(model, fileSystemHandler(dir));
  } finally {
    model.dispose();
  }
}

/** Writes the full-width (16.3 M parameters, 65 MB) formula model as tfjs into `dir`. */
export async function writeFullFormulaModel(dir: string): Promise<void> {
  await selectBackend('cpu');
  const model = createCsrnet({}, { kind: 'weights', weights: formulaWeights(), source: 'csrnet-full-formula' });
  try {
    await saveCsrnet(model, fileSystemHandler(dir));
  } finally {
    model.dispose();
  }
}
