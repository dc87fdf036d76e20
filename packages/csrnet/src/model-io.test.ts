import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { BACKENDS, useBackend } from '../test/backends.js';
import { readSmallBin } from '../test/fixtures.js';
import { CsrnetError } from './errors.js';
import { createCsrnet, type CsrnetModel } from './model.js';
import { loadCsrnet, saveCsrnet } from './model-io.js';
import { stateDict } from './state-dict.js';

/** Saves through tf.io.withSaveHandler and returns the artifacts. */
async function saveToMemory(model: CsrnetModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await saveCsrnet(
    model,
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

const loadError = async (artifacts: tf.io.ModelArtifacts): Promise<CsrnetError> => {
  try {
    await loadCsrnet(tf.io.fromMemory(artifacts));
  } catch (e) {
    expect(e).toBeInstanceOf(CsrnetError);
    return e as CsrnetError;
  }
  throw new Error('expected loadCsrnet to fail');
};

describe.each(BACKENDS)('saveCsrnet / loadCsrnet in memory (%s)', (backend) => {
  beforeAll(() => useBackend(backend));

  test('round trip keeps weights, config and normalisation; the format is standard tfjs', async () => {
    const normalization = { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], inputScale: 1 / 255 } as const;
    const model = createCsrnet({ widthDivisor: 8, variant: 'C', normalization }, { kind: 'reference', seed: 3 });
    const artifacts = await saveToMemory(model);
    expect(artifacts.weightSpecs![0]).toEqual({ name: 'frontend.0.weight', shape: [3, 3, 3, 8], dtype: 'float32' });
    const meta = (artifacts.userDefinedMetadata as { csrnet: Record<string, unknown> }).csrnet;
    expect(meta).toMatchObject({ format: 'csrnet-tfjs', version: 1, layout: 'HWIO', config: { variant: 'C', widthDivisor: 8, normalization } });
    expect(meta.weightsSha256).toMatch(/^[0-9a-f]{64}$/);
    // tf.io.browserFiles refuses a model.json without modelTopology.
    expect(artifacts.modelTopology).toEqual({ class_name: 'CSRNet', config: model.config });
    const loaded = await loadCsrnet(tf.io.fromMemory(artifacts));
    expect(loaded.config).toEqual(model.config);
    expect(stateDict(loaded)).toEqual(stateDict(model));
    model.dispose();
    loaded.dispose();
  });
});

describe('loadCsrnet rejects bad artifacts with expected vs found', () => {
  let good: tf.io.ModelArtifacts;
  beforeAll(async () => {
    await useBackend('cpu');
    const model = createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights: readSmallBin('weights.bin') });
    good = await saveToMemory(model);
    model.dispose();
  });

  test('another format', async () => {
    const e = await loadError({ ...good, userDefinedMetadata: {} });
    expect(e.code).toBe('WEIGHTS_FORMAT');
    expect(e.message).toBe('expected a csrnet-tfjs version 1 model (HWIO), found no userDefinedMetadata.csrnet');
  });

  test('truncated weights', async () => {
    const e = await loadError({ ...good, weightData: (good.weightData as ArrayBuffer).slice(0, 1000) });
    expect(e.message).toBe('the weight data holds 1,000 bytes, but the manifest declares 1,019,300 for 34 tensors: 1,018,300 bytes are missing — the file is truncated (an interrupted download or copy?)');
  });

  test('corrupt weights', async () => {
    const bytes = new Uint8Array((good.weightData as ArrayBuffer).slice(0));
    bytes[4] ^= 0x40;
    const e = await loadError({ ...good, weightData: bytes.buffer });
    expect(e.message).toMatch(/^weights: expected sha256 \w{64}, found \w{64} \(corrupt, or a weights file from another save\)$/);
  });

  test('weights that do not fit the recorded config', async () => {
    const meta = (good.userDefinedMetadata as { csrnet: { config: object } }).csrnet;
    const e = await loadError({ ...good, userDefinedMetadata: { csrnet: { ...meta, config: { ...meta.config, widthDivisor: 4 } } } });
    expect(e.code).toBe('WEIGHTS_MISMATCH');
    expect(e.message).toContain('expected frontend.0.weight [3,3,3,16] (HWIO), found [3,3,3,8]');
  });

  test('an invalid recorded config', async () => {
    const meta = (good.userDefinedMetadata as { csrnet: { config: object } }).csrnet;
    const e = await loadError({ ...good, userDefinedMetadata: { csrnet: { ...meta, config: { variant: 'Z' } } } });
    expect(e.message).toBe(`invalid userDefinedMetadata.csrnet.config: variant: expected 'A', 'B', 'C' or 'D', got "Z"`);
  });

  test('a URL without a handler is CONFIG_INVALID', async () => {
    await expect(loadCsrnet('nowhere://x')).rejects.toThrow(/^load: expected a tf\.io\.IOHandler \(e\.g\. tf\.io\.http\(url\), .*\) or a URL with a registered tf\.io handler .*, got "nowhere:\/\/x"$/);
  });
});
