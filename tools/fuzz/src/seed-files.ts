import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture } from '@crowd/test-utils';

/**
 * Where the fuzz targets' seeds come from: tools/fixtures, the csrnet
 * package's small committed checkpoint fixtures (made by its
 * make_fixtures.py with torch), and models generated at seed time.
 */

const CSRNET_FIXTURES = fileURLToPath(new URL('../../../packages/csrnet/test/fixtures/', import.meta.url));

/**
 * The csrnet package's small torch fixtures (`test/fixtures/torch/*.pth`)
 * in one container (zips start with `PK`, legacy files with PROTO), without
 * the ones that are refused on purpose (a pickled `os.system`, a whole
 * pickled model): seeds are valid inputs.
 */
export function torchFixtures(container: 'zip' | 'legacy'): Uint8Array[] {
  const dir = join(CSRNET_FIXTURES, 'torch');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.pth') && name !== 'os-system.pth' && name !== 'whole-model.pth')
    .sort()
    .map((name) => new Uint8Array(readFileSync(join(dir, name))))
    .filter((bytes) => (bytes[0] === 0x50) === (container === 'zip'));
}

/** The ÷8 CSRNet training checkpoint in `tools/fixtures/csrnet/<kind>/` (2 MB, with SGD state). */
export const csrnetCheckpoint = (kind: 'zip' | 'legacy'): Uint8Array => new Uint8Array(readFileSync(fixture('csrnet', kind, 'model_best.pth.tar')));

/** The csrnet package's scaled-down VGG-16 fixtures (`test/fixtures/vgg/`). */
export const vggFixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(CSRNET_FIXTURES, 'vgg', name)));

/**
 * Two-file formats (model.json + weights.bin, manifest + .bin) travel as one
 * input: the text, a NUL byte, the binary. JSON text never holds a raw NUL,
 * so mutations that add or remove one only move the boundary.
 */
export function joinParts(text: string, binary: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(text);
  const out = new Uint8Array(head.length + 1 + binary.length);
  out.set(head, 0);
  out.set(binary, head.length + 1);
  return out;
}

export function splitParts(bytes: Uint8Array): { text: string; binary: Uint8Array } {
  const nul = bytes.indexOf(0);
  const end = nul < 0 ? bytes.length : nul;
  return { text: new TextDecoder().decode(bytes.subarray(0, end)), binary: bytes.slice(Math.min(bytes.length, end + 1)) };
}

/** A fresh temp folder for one target's files, removed when the worker exits. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `crowd-fuzz-${prefix}-`));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
