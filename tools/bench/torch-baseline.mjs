// The PyTorch side of the benchmarks and of the GPU check: writes the full-width
// formula model as a neutral-weights manifest + .bin that tools/bench/torch-csrnet.py
// loads, and runs that script, returning the JSON lines it prints.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formulaWeights } from '../test-utils/src/formula-weights.mjs';

/** The PyTorch helper script. */
export const TORCH_SCRIPT = fileURLToPath(new URL('./torch-csrnet.py', import.meta.url));

/** Debian's python3 holds torch 1.13 here (the python3 first on PATH has none); `CROWD_TORCH_PYTHON` overrides it. */
export const TORCH_PYTHON = process.env.CROWD_TORCH_PYTHON ?? '/usr/bin/python3';

const FORMULA_MANIFEST = fileURLToPath(new URL('../fixtures/csrnet-full-formula/weights.json', import.meta.url));

/**
 * The full-width formula model (tools/fixtures/README.md §5, 16.3 M parameters,
 * deterministic): its tensors (state_dict order, OIHW) and, written into `dir`,
 * `weights.bin` with the fixture's manifest naming it as `weights.json`.
 */
export function writeFormulaWeights(dir) {
  const weights = formulaWeights();
  const manifest = JSON.parse(readFileSync(FORMULA_MANIFEST, 'utf8'));
  const bin = Buffer.concat([...weights.values()].map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)));
  if (bin.length !== manifest.total_bytes) throw new Error(`formula weights: ${bin.length} bytes, the manifest says ${manifest.total_bytes}`);
  writeFileSync(join(dir, 'weights.bin'), bin);
  const manifestPath = join(dir, 'weights.json');
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, bin: 'weights.bin' }));
  return { weights, manifestPath };
}

/**
 * Runs `torch-csrnet.py argv…` with `python` and resolves to the JSON objects
 * it printed, one per line; `onLine(object)` sees each as it arrives (the
 * count bench timestamps them). A non-zero exit rejects with its stderr.
 */
export function runTorch(argv, { python = TORCH_PYTHON, onLine } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [TORCH_SCRIPT, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    const objects = [];
    let pending = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      pending += chunk;
      let newline;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line === '') continue;
        const object = JSON.parse(line);
        objects.push(object);
        onLine?.(object);
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => reject(new Error(`cannot run ${python}: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(objects);
      else reject(new Error(`${python} torch-csrnet.py ${argv[0]} exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}
