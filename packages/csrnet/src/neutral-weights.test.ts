import { readFileSync } from 'node:fs';
import { fixture } from '@crowd/test-utils';
import { describe, expect, test } from 'vitest';
import { CsrnetError } from './errors.js';
import { readNeutralWeights, verifyNeutralWeights } from './neutral-weights.js';

const manifestText = readFileSync(fixture('csrnet', 'weights.json'), 'utf8');
const bin = new Uint8Array(readFileSync(fixture('csrnet', 'weights.bin')));
const manifest = () => JSON.parse(manifestText) as { tensors: Array<{ name: string; offset: number; nbytes: number; shape: number[]; dtype: string }>; total_bytes?: number; format?: string };

const formatError = (f: () => unknown): CsrnetError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CsrnetError);
    expect((e as CsrnetError).code).toBe('WEIGHTS_FORMAT');
    return e as CsrnetError;
  }
  throw new Error('expected a CsrnetError');
};

describe('readNeutralWeights', () => {
  test('reads the fixture: 34 tensors in state_dict order with OIHW shapes', () => {
    const tensors = readNeutralWeights(manifestText, bin);
    expect(tensors.size).toBe(34);
    expect([...tensors.keys()][0]).toBe('frontend.0.weight');
    expect(tensors.get('frontend.0.weight')!.shape).toEqual([8, 3, 3, 3]);
    const bias = tensors.get('frontend.0.bias')!;
    expect(bias.data).toEqual(new Float32Array(bin.slice(864, 896).buffer));
    expect(readNeutralWeights(manifest(), bin).get('output_layer.bias')).toEqual(tensors.get('output_layer.bias'));
  });

  test('checks sizes, offsets, dtypes and the format, saying what was expected and found', () => {
    expect(formatError(() => readNeutralWeights(manifestText, bin.subarray(0, 1000), { source: 'w.json' })).message).toBe(
      'w.json: expected 1019300 bytes of weights (total_bytes), found 1000',
    );
    const noTotal = manifest();
    delete noTotal.total_bytes;
    expect(formatError(() => readNeutralWeights(noTotal, bin.subarray(0, 1000))).message).toBe('tensor 2 (frontend.2.weight): bytes 896..3200 lie outside the 1000-byte .bin');
    const badBytes = manifest();
    badBytes.tensors[1].nbytes = 28;
    expect(formatError(() => readNeutralWeights(badBytes, bin)).message).toBe('tensor 1 (frontend.0.bias): shape [8] needs 32 bytes, nbytes says 28');
    const badType = manifest();
    badType.tensors[0].dtype = 'float64';
    expect(formatError(() => readNeutralWeights(badType, bin)).message).toBe('tensor 0 (frontend.0.weight): expected dtype "float32", found "float64"');
    const dup = manifest();
    dup.tensors[1].name = 'frontend.0.weight';
    expect(formatError(() => readNeutralWeights(dup, bin)).message).toBe('tensor 1 (frontend.0.weight): duplicate name');
    expect(formatError(() => readNeutralWeights({ ...manifest(), format: 'other/2' }, bin)).message).toBe('expected format "csrnet-weights/1", found "other/2"');
    expect(formatError(() => readNeutralWeights('{', bin)).message).toMatch(/^expected a JSON csrnet-weights\/1 manifest, found unparsable text/);
  });
});

describe('verifyNeutralWeights', () => {
  test('accepts the fixture and names a corrupted tensor with both digests', async () => {
    expect(await verifyNeutralWeights(manifestText, bin)).toBe(true);
    const corrupt = bin.slice();
    corrupt[900] ^= 1;
    await expect(verifyNeutralWeights(manifestText, corrupt, { source: 'w.json' })).rejects.toThrow(/^w\.json: \.bin: expected sha256 70aa3cd2\w+, found \w{64}$/);
    const { sha256: _whole, ...perTensorOnly } = JSON.parse(manifestText) as { sha256: string };
    await expect(verifyNeutralWeights(perTensorOnly, corrupt)).rejects.toThrow(/^frontend\.2\.weight: expected sha256 \w{64}, found \w{64}$/);
  });
});
