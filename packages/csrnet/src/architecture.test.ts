import { describe, expect, test } from 'vitest';
import { csrnetConvs, csrnetFlops, csrnetOutputSize, csrnetParameterSpecs } from './architecture.js';
import { resolveCsrnetConfig } from './config.js';

const count = (config = {}) => csrnetParameterSpecs(resolveCsrnetConfig(config)).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);

describe('the CSRNet architecture as data', () => {
  test('state_dict names and OIHW shapes are the reference’s', () => {
    const specs = csrnetParameterSpecs(resolveCsrnetConfig());
    const convs = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21].map((i) => `frontend.${i}`).concat([0, 2, 4, 6, 8, 10].map((i) => `backend.${i}`), ['output_layer']);
    expect(specs.map((s) => s.name)).toEqual(convs.flatMap((c) => [`${c}.weight`, `${c}.bias`]));
    expect(specs[0]).toEqual({ name: 'frontend.0.weight', shape: [64, 3, 3, 3] });
    expect(specs.at(-2)).toEqual({ name: 'output_layer.weight', shape: [1, 64, 1, 1] });
  });

  test('parameter counts: 16,263,489 at full width (reference), 254,825 at ÷8 (fixture)', () => {
    expect(count()).toBe(16_263_489);
    expect(count({ widthDivisor: 8 })).toBe(254_825);
  });

  test.each([
    ['A', [1, 1, 1, 1, 1, 1]],
    ['B', [2, 2, 2, 2, 2, 2]],
    ['C', [2, 2, 2, 4, 4, 4]],
    ['D', [4, 4, 4, 4, 4, 4]],
  ] as const)('variant %s dilates the back end by %j; front end and head are undilated', (variant, dilations) => {
    const convs = csrnetConvs(resolveCsrnetConfig({ variant }));
    expect(convs.filter((c) => c.name.startsWith('backend')).map((c) => c.dilation)).toEqual(dilations);
    expect(convs.filter((c) => !c.name.startsWith('backend')).every((c) => c.dilation === 1)).toBe(true);
    expect(convs.map((c) => c.relu)).toEqual([...Array(16).fill(true), false]);
  });

  test('output size floors at each of the three pools', () => {
    const config = resolveCsrnetConfig();
    expect(csrnetOutputSize(config, 768, 1024)).toEqual([96, 128]);
    expect(csrnetOutputSize(config, 255, 255)).toEqual([31, 31]); // make_model.ipynb
    expect(csrnetOutputSize(config, 15, 23)).toEqual([1, 2]); // 15→7→3→1, 23→11→5→2
  });

  test('FLOPs are 2 × the MACs of every conv', () => {
    const tiny = resolveCsrnetConfig({ frontend: [4, 'M'], backend: [2] });
    // conv 3→4 at 8×8, pool, conv 4→2 at 4×4, head 2→1 at 4×4.
    expect(csrnetFlops(tiny, 8, 8)).toBe(2 * (64 * 3 * 4 * 9 + 16 * 4 * 2 * 9 + 16 * 2));
    expect(csrnetFlops(resolveCsrnetConfig(), 768, 1024) / 1e9).toBeCloseTo(649.58, 2);
  });
});
