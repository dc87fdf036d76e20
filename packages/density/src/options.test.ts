import { describe, expect, it } from 'vitest';
import { DensityError } from './errors.js';
import { DEFAULT_DENSITY_OPTIONS, resolveDensityOptions, type DensityOptions } from './options.js';

function thrown(options: unknown): DensityError {
  try {
    resolveDensityOptions(options as DensityOptions);
  } catch (error) {
    if (error instanceof DensityError) return error;
    throw error;
  }
  throw new Error('resolveDensityOptions did not throw');
}

describe('resolveDensityOptions', () => {
  it('fills the documented defaults', () => {
    expect(resolveDensityOptions()).toEqual({ mode: 'preserving', kernel: 'adaptive', sigma: 15, k: 3, beta: 0.3, truncate: 4 });
    expect(DEFAULT_DENSITY_OPTIONS).toEqual(resolveDensityOptions({}));
    expect(Object.isFrozen(DEFAULT_DENSITY_OPTIONS)).toBe(true);
  });

  it('copies: the result is a new object and the input is untouched', () => {
    const options: DensityOptions = { kernel: 'fixed', sigma: 4, k: undefined };
    const resolved = resolveDensityOptions(options);
    expect(resolved).toEqual({ ...DEFAULT_DENSITY_OPTIONS, kernel: 'fixed', sigma: 4 });
    expect(options).toEqual({ kernel: 'fixed', sigma: 4, k: undefined });
    expect(resolved).not.toBe(DEFAULT_DENSITY_OPTIONS);
  });

  it.each([
    [{ mode: 'exact' }, 'mode', `"exact"`],
    [{ kernel: 'gaussian' }, 'kernel', `"gaussian"`],
    [{ sigma: 0 }, 'sigma', '0'],
    [{ sigma: -2 }, 'sigma', '-2'],
    [{ sigma: Number.NaN }, 'sigma', 'NaN'],
    [{ sigma: Infinity }, 'sigma', 'Infinity'],
    [{ sigma: '15' }, 'sigma', '"15"'],
    [{ k: 0 }, 'k', '0'],
    [{ k: 2.5 }, 'k', '2.5'],
    [{ beta: 0 }, 'beta', '0'],
    [{ truncate: -1 }, 'truncate', '-1'],
    [{ radius: 3 }, 'radius', '3'],
  ])('rejects %o, naming the option and the value', (options, name, received) => {
    const error = thrown(options);
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain(`"${name}"`);
    expect(error.message).toContain(`received ${received}`);
  });

  it('says what it expected', () => {
    expect(thrown({ sigma: 0 }).message).toBe('Invalid density option "sigma": expected a finite number > 0, received 0.');
    expect(thrown({ k: 0 }).message).toBe('Invalid density option "k": expected an integer ≥ 1, received 0.');
    expect(thrown({ mode: 'x' }).message).toBe(`Invalid density option "mode": expected one of 'preserving', 'reference', received "x".`);
  });

  it('rejects a non-object', () => {
    expect(thrown(null).code).toBe('INVALID_OPTION');
    expect(thrown(3).message).toContain('received 3');
  });
});
