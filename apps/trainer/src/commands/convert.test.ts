import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stateDict } from '@crowd/csrnet';
import { loadCsrnetFile, readNeutralWeightsFile, selectBackend } from '@crowd/csrnet/node';
import { fixture } from '@crowd/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { crowd } from '../../test/cli.ts';

const CHECKPOINTS = ['legacy', 'legacy-cuda-tagged', 'zip'] as const;
const FORMATS = { legacy: 'pytorch-legacy', 'legacy-cuda-tagged': 'pytorch-legacy', zip: 'pytorch-zip' };
const tempDir = () => mkdtempSync(join(tmpdir(), 'crowd-convert-'));

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('crowd convert', () => {
  test.each(CHECKPOINTS)('%s checkpoint → tfjs: every tensor equals the fixture weights exactly', async (kind) => {
    const out = join(tempDir(), 'model');
    const input = fixture('csrnet', kind, 'model_best.pth.tar');
    const run = await crowd(['convert', input, out, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      input,
      format: FORMATS[kind],
      to: 'tfjs',
      variant: 'B',
      widthDivisor: 8,
      parameters: 254_825,
      tensors: 34,
      epoch: 1,
      files: [{ path: join(out, 'model.json') }, { path: join(out, 'weights.bin') }],
    });
    expect(readdirSync(out).sort()).toEqual(['model.json', 'weights.bin']);
    const { model, format } = await loadCsrnetFile(out);
    expect(format).toBe('tfjs');
    const ours = stateDict(model);
    model.dispose();
    const reference = await readNeutralWeightsFile(fixture('csrnet', 'weights.json'));
    expect([...ours.keys()]).toEqual([...reference.keys()]);
    for (const [name, tensor] of reference) {
      expect(ours.get(name)!.shape, name).toEqual(tensor.shape);
      expect(Buffer.from(ours.get(name)!.data.buffer).equals(Buffer.from(tensor.data.buffer)), name).toBe(true);
    }
  });

  test('the text report names the format, width, parameters, epoch, best_prec1 and files', async () => {
    const out = tempDir();
    const run = await crowd(['convert', fixture('csrnet', 'legacy-cuda-tagged', 'model_best.pth.tar'), out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('from   PyTorch checkpoint, legacy format (torch < 1.6); epoch 1, best_prec1 123.456\n');
    expect(run.stdout).toContain('model  CSRNet variant B, width ÷8: 254,825 parameters in 34 tensors');
    expect(run.stdout).toMatch(new RegExp(`wrote  ${join(out, 'model.json')} \\([\\d,]+ bytes\\)`));
    expect(run.stdout).toContain(`${join(out, 'weights.bin')} (1,019,300 bytes)`);
  });

  test('counting with the converted model gives the same count as with the .pth.tar', async () => {
    const out = tempDir();
    const checkpoint = fixture('csrnet', 'zip', 'model_best.pth.tar');
    expect((await crowd(['convert', checkpoint, out])).code).toBe(0);
    const image = fixture('csrnet', 'input_image.png');
    const count = async (weights: string) => JSON.parse((await crowd(['count', image, '--weights', weights, '--backend', 'wasm', '--json'])).stdout).count;
    expect(await count(out)).toBe(await count(checkpoint));
  });

  test('an HTML page saved as .pth.tar is a clear error naming the file; nothing is written', async () => {
    const dir = tempDir();
    const html = join(dir, 'PartAmodel_best.pth.tar');
    writeFileSync(html, '<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title></head><body>…</body></html>');
    const run = await crowd(['convert', html, join(dir, 'out')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${html}: this looks like an HTML page, not a PyTorch checkpoint`);
    expect(readdirSync(dir)).toEqual(['PartAmodel_best.pth.tar']);
  });

  test('--variant applies to checkpoints; a tfjs model that records another variant is refused', async () => {
    const out = tempDir();
    const c = await crowd(['convert', fixture('csrnet', 'zip', 'model_best.pth.tar'), out, '--variant', 'C', '--json']);
    expect(JSON.parse(c.stdout)).toMatchObject({ variant: 'C' });
    const again = await crowd(['convert', out, tempDir(), '--variant', 'B']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('this tfjs model records variant C; variant B applies to PyTorch checkpoints only');
  });

  test('--help documents the arguments and options', async () => {
    const run = await crowd(['convert', '--help']);
    expect(run.code).toBe(0);
    for (const text of ['<in>', '<out-dir>', '--variant', '--json']) expect(run.stdout).toContain(text);
  });
});
