import { describe, expect, test } from 'vitest';
import { CSRNET_BACKEND, CSRNET_FRONTEND, resolveCsrnetConfig, type CsrnetConfig } from './config.js';
import { CsrnetError } from './errors.js';
import { IMAGENET_NORMALIZATION } from './normalization.js';

describe('resolveCsrnetConfig', () => {
  test('fills in the reference architecture by default', () => {
    expect(resolveCsrnetConfig()).toEqual({
      variant: 'B',
      widthDivisor: 1,
      frontend: [...CSRNET_FRONTEND],
      backend: [...CSRNET_BACKEND],
      normalization: IMAGENET_NORMALIZATION,
    });
  });

  test('keeps valid options', () => {
    const c = resolveCsrnetConfig({ variant: 'C', widthDivisor: 8, normalization: { mean: [0, 0, 0], std: [1, 1, 1], inputScale: 1 } });
    expect(c.variant).toBe('C');
    expect(c.widthDivisor).toBe(8);
    expect(c.normalization).toEqual({ mean: [0, 0, 0], std: [1, 1, 1], inputScale: 1 });
  });

  test.each<[string, unknown, RegExp]>([
    ['variant', { variant: 'E' }, /^variant: expected 'A', 'B', 'C' or 'D', got "E"$/],
    ['widthDivisor', { widthDivisor: 3 }, /^widthDivisor: expected a positive integer dividing every channel count \(64, 128, 256, 512\), got 3$/],
    ['widthDivisor', { widthDivisor: 0.5 }, /^widthDivisor: .* got 0\.5$/],
    ['unknown option', { widthDivisior: 8 }, /^widthDivisior: expected no such option \(known: variant, widthDivisor, frontend, backend, normalization\), got 8$/],
    ['frontend', { frontend: [64, 'X'] }, /^frontend: expected an array of positive channel counts and 'M'/],
    ['backend', { backend: [] }, /^backend: expected a non-empty array/],
    ['variant C length', { variant: 'C', backend: [64, 64] }, /^backend: expected 6 layers for variant C/],
    ['normalization.std', { normalization: { mean: [0, 0, 0], std: [1, 0, 1], inputScale: 1 } }, /^normalization\.std: expected 3 finite positive numbers/],
    ['normalization.inputScale', { normalization: { mean: [0, 0, 0], std: [1, 1, 1], inputScale: -1 } }, /^normalization\.inputScale: expected a finite positive number, got -1$/],
    ['config', [], /^config: expected an object, got \[\]$/],
  ])('rejects a bad %s with CONFIG_INVALID naming option, expectation and value', (_what, config, message) => {
    let error: unknown;
    try {
      resolveCsrnetConfig(config as CsrnetConfig);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CsrnetError);
    expect((error as CsrnetError).code).toBe('CONFIG_INVALID');
    expect((error as CsrnetError).message).toMatch(message);
  });
});
