import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '@crowd/test-utils';
import { expect, test } from 'vitest';
import { readSmallBin } from '../../test/fixtures.js';
import { readNeutralWeightsFile } from './neutral-weights-file.js';

test('reads and verifies a csrnet-weights/1 manifest and the .bin beside it', async () => {
  const tensors = await readNeutralWeightsFile(fixture('csrnet', 'weights.json'));
  expect(tensors).toEqual(readSmallBin('weights.bin'));
});

test('a manifest without a bin, or a missing file, is WEIGHTS_FORMAT naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'csrnet-nw-'));
  try {
    const manifest = join(dir, 'w.json');
    writeFileSync(manifest, JSON.stringify({ format: 'csrnet-weights/1', bin: null, tensors: [] }));
    await expect(readNeutralWeightsFile(manifest)).rejects.toThrow(`${manifest}: expected "bin" to name the weights file, found null`);
    writeFileSync(manifest, JSON.stringify({ format: 'csrnet-weights/1', bin: 'w.bin', tensors: [] }));
    await expect(readNeutralWeightsFile(manifest)).rejects.toMatchObject({ code: 'WEIGHTS_FORMAT', file: join(dir, 'w.bin') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
