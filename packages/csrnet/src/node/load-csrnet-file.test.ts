import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '@crowd/test-utils';
import { describe, expect, it } from 'vitest';
import { CsrnetError } from '../errors.js';
import { saveCsrnet } from '../model-io.js';
import { stateDict } from '../state-dict.js';
import { readSmallBin } from '../../test/fixtures.js';
import { fileSystemHandler } from './file-system-handler.js';
import { loadCsrnetFile } from './load-csrnet-file.js';

describe('loadCsrnetFile', () => {
  it('reads the ÷8 fixture .pth.tar (zip and legacy), infers width divisor 8 and keeps the checkpoint', async () => {
    const expected = readSmallBin('weights.bin');
    for (const kind of ['zip', 'legacy', 'legacy-cuda-tagged']) {
      const { model, format, checkpoint } = await loadCsrnetFile(fixture('csrnet', kind, 'model_best.pth.tar'));
      expect(format).toBe('pytorch');
      expect(model.config.widthDivisor).toBe(8);
      expect(checkpoint?.epoch).toBe(1);
      const weights = stateDict(model);
      for (const [name, tensor] of expected) expect(weights.get(name)!.data).toEqual(tensor.data);
      model.dispose();
    }
  });

  it('reads a tfjs model folder and its model.json path', async () => {
    const { model } = await loadCsrnetFile(fixture('csrnet', 'zip', 'model_best.pth.tar'));
    const dir = mkdtempSync(join(tmpdir(), 'crowd-model-'));
    await saveCsrnet(model, fileSystemHandler(dir));
    for (const path of [dir, join(dir, 'model.json')]) {
      const loaded = await loadCsrnetFile(path);
      expect(loaded.format).toBe('tfjs');
      expect(loaded.checkpoint).toBeUndefined();
      expect(stateDict(loaded.model).get('backend.10.weight')!.data).toEqual(stateDict(model).get('backend.10.weight')!.data);
      loaded.model.dispose();
    }
    const sameVariant = await loadCsrnetFile(dir, { variant: 'B' });
    expect(sameVariant.model.config.variant).toBe('B');
    sameVariant.model.dispose();
    await expect(loadCsrnetFile(dir, { variant: 'C' })).rejects.toThrow(`${dir}: this tfjs model records variant B; variant C applies to PyTorch checkpoints only`);
    model.dispose();
  });

  it('names the file for a missing path and for an HTML page saved as .pth.tar', async () => {
    await expect(loadCsrnetFile('/nonexistent/model_best.pth.tar')).rejects.toThrow(/\/nonexistent\/model_best\.pth\.tar: cannot read weights/);
    const html = join(mkdtempSync(join(tmpdir(), 'crowd-model-')), 'PartAmodel_best.pth.tar');
    writeFileSync(html, '<!DOCTYPE html><html><body>Google Drive: virus scan warning</body></html>');
    const error = await loadCsrnetFile(html).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsrnetError);
    expect((error as CsrnetError).message).toContain('PartAmodel_best.pth.tar');
    expect((error as CsrnetError).message).toMatch(/HTML/);
  });
});
