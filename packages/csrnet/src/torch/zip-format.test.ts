import { readFileSync } from 'node:fs';
import { fixture } from '@crowd/test-utils';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MODEL_FILE_LIMITS } from '../limits.js';
import { readZipCheckpoint } from './zip-format.js';
import { readTorchCheckpoint } from './checkpoint.js';
import { errorOf } from '../../test/csrnet-error.js';

const PATH = fixture('csrnet', 'zip', 'model_best.pth.tar');
const original = new Uint8Array(readFileSync(PATH));
const entries = unzipSync(original);

function rezip(edit: (files: Record<string, Uint8Array>) => Record<string, Uint8Array>): Uint8Array {
  return zipSync(edit({ ...entries }), { level: 0 });
}

describe('readZipCheckpoint', () => {
  it('finds the checkpoint under any prefix, in a re-compressed archive, with a byteorder record', () => {
    const small = readFileSync(new URL('../../test/fixtures/torch/bare-state-dict.pth', import.meta.url));
    const renamed = zipSync(
      {
        ...Object.fromEntries(Object.entries(unzipSync(small)).map(([name, data]) => [name.replace('bare-state-dict/', 'renamed/'), data])),
        'renamed/byteorder': new TextEncoder().encode('little'),
      },
      { level: 6 },
    );
    expect(readTorchCheckpoint(renamed, 'renamed.pth').stateDict).toEqual(readTorchCheckpoint(small).stateDict);
  });

  it.each([
    ['a zip of something else', () => zipSync({ 'notes.txt': new Uint8Array(3) }), 'this zip archive is not a PyTorch checkpoint: expected <name>/data.pkl, found notes.txt'],
    ['an empty zip', () => zipSync({}), 'expected <name>/data.pkl, found no entries'],
    ['data.pkl at the top level', () => zipSync({ 'data.pkl': entries['model_best.pth/data.pkl'] }), 'expected <name>/data.pkl, found data.pkl'],
    [
      'two checkpoints',
      () => zipSync({ 'a/data.pkl': new Uint8Array(1), 'b/data.pkl': new Uint8Array(1) }),
      'this zip archive holds 2 checkpoints (a/data.pkl, b/data.pkl); extract the one you want',
    ],
    [
      'a missing storage',
      () => rezip(({ 'model_best.pth/data/5': _, ...files }) => files),
      'persistent id at byte 604 of model_best.pth/data.pkl: storage model_best.pth/data/5 is missing from the archive',
    ],
    [
      'a short storage',
      () => rezip((files) => ({ ...files, 'model_best.pth/data/0': files['model_best.pth/data/0'].subarray(0, 100) })),
      'storage model_best.pth/data/0 holds 100 bytes but 216 × float32 needs 864',
    ],
    [
      'a bad byteorder record',
      () => rezip((files) => ({ ...files, 'model_best.pth/byteorder': new TextEncoder().encode('middle') })),
      'model_best.pth/byteorder should say "little" or "big", found "middle"',
    ],
  ])('rejects %s', (_, make, message) => {
    const bytes = make();
    const error = errorOf(() => readZipCheckpoint(bytes, 'x.pth', MODEL_FILE_LIMITS));
    expect(error.code).toBe('WEIGHTS_FORMAT');
    expect(error.file).toBe('x.pth');
    expect(error.message).toContain(message);
  });

  it('calls every cut of the archive damaged or truncated', () => {
    const cuts = [4, 30, 100, 8000, 9000];
    for (let n = 10000; n < original.length; n += 50021) cuts.push(n);
    cuts.push(original.length - 22, original.length - 1);
    for (const n of cuts) {
      const error = errorOf(() => readTorchCheckpoint(original.subarray(0, n), PATH));
      expect(error.code).toBe('WEIGHTS_FORMAT');
      expect(error.message, `cut at ${n}`).toContain('the zip archive is damaged or truncated');
    }
  });
});
