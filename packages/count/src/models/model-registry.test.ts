import { IMAGENET_NORMALIZATION } from '@crowd/csrnet';
import { describe, expect, test } from 'vitest';
import { DEFAULT_MODEL_ID, findModel, MODEL_REGISTRY, modelUrls } from './model-registry.ts';

describe('MODEL_REGISTRY', () => {
  test('ids and file names are unique (a mirror holds the files by name), every entry is full-width CSRNet variant B on ImageNet normalisation', () => {
    expect(MODEL_REGISTRY.map((m) => m.id)).toEqual(['csrnet-sha-lwcc', 'csrnet-shb-lwcc', 'csrnet-sha-reference', 'csrnet-shb-reference']);
    expect(new Set(MODEL_REGISTRY.map((m) => m.fileName)).size).toBe(MODEL_REGISTRY.length);
    for (const m of MODEL_REGISTRY) {
      expect(m.architecture).toEqual({ name: 'CSRNet', variant: 'B', widthDivisor: 1 });
      expect(m.preprocessing.normalization).toEqual(IMAGENET_NORMALIZATION);
      // Nobody publishes sizes or hashes of these files: the first download's are recorded.
      expect([m.bytes, m.sha256]).toEqual([undefined, undefined]);
    }
  });

  test("LWCC's weights: GitHub release v0.1 assets, {model: state_dict}, counted at a 1000-px longest side", () => {
    const sha = findModel('csrnet-sha-lwcc');
    expect(sha.source).toEqual({ kind: 'download', urls: ['https://github.com/tersekmatija/lwcc_weights/releases/download/v0.1/CSRNet_SHA.pth'] });
    expect(findModel('csrnet-shb-lwcc').source).toEqual({ kind: 'download', urls: ['https://github.com/tersekmatija/lwcc_weights/releases/download/v0.1/CSRNet_SHB.pth'] });
    expect([sha.container, sha.preprocessing.maxSide, sha.reported]).toEqual(['model', 1000, { mae: 75.44, mse: 113.55, source: 'LWCC README.md, Models table (SHA test set)' }]);
  });

  test("the reference authors' checkpoints: Google Drive pages, fetched by hand, counted at their own size", () => {
    const a = findModel('csrnet-sha-reference');
    expect(a.source).toEqual({ kind: 'manual', page: 'https://drive.google.com/open?id=1Z-atzS5Y2pOd-nEWqZRVBDMYJDreGWHH' });
    expect(findModel('csrnet-shb-reference').source).toEqual({ kind: 'manual', page: 'https://drive.google.com/open?id=1zKn6YlLW3Z9ocgPbP99oz7r2nC7_TBXK' });
    expect([a.fileName, a.container, a.preprocessing.maxSide]).toEqual(['PartAmodel_best.pth.tar', 'state_dict', undefined]);
  });

  test('the default is LWCC\'s ShanghaiTech A model, downloadable', () => {
    expect(DEFAULT_MODEL_ID).toBe('csrnet-sha-lwcc');
    expect(findModel(DEFAULT_MODEL_ID).source.kind).toBe('download');
  });
});

describe('findModel and modelUrls', () => {
  test('an unknown id is MODEL_UNKNOWN listing the known ones', () => {
    expect(() => findModel('csrnet-sha')).toThrow(
      expect.objectContaining({
        name: 'CountError',
        code: 'MODEL_UNKNOWN',
        message: 'no model "csrnet-sha" in the registry (known: csrnet-sha-lwcc, csrnet-shb-lwcc, csrnet-sha-reference, csrnet-shb-reference)',
      }),
    );
  });

  test("a mirror replaces every URL with <mirror>/<fileName>, and makes a hand-fetched model downloadable", () => {
    expect(modelUrls(findModel('csrnet-sha-lwcc'), 'http://models.internal/crowd/')).toEqual(['http://models.internal/crowd/CSRNet_SHA.pth']);
    expect(modelUrls(findModel('csrnet-sha-reference'), 'http://127.0.0.1:8080')).toEqual(['http://127.0.0.1:8080/PartAmodel_best.pth.tar']);
    expect(modelUrls(findModel('csrnet-sha-reference'))).toEqual([]);
    expect(modelUrls(findModel('csrnet-shb-lwcc'), '')).toEqual(['https://github.com/tersekmatija/lwcc_weights/releases/download/v0.1/CSRNet_SHB.pth']);
  });
});
