import { describe, expect, it } from 'vitest';
import { errorOf } from '../test/csrnet-error.ts';
import { CsrnetLimitError } from './errors.js';
import { checkFileSize, CSRNET_MAX_PARAMETERS, limitExceeded, MODEL_FILE_LIMITS, resolveModelFileLimits } from './limits.js';

describe('model file limits', () => {
  it('the element allowance defaults to the largest CSRNet: 16,263,489 parameters', () => {
    expect(CSRNET_MAX_PARAMETERS).toBe(16_263_489);
    expect(MODEL_FILE_LIMITS.maxExtraElements).toBe(CSRNET_MAX_PARAMETERS);
  });

  it('resolveModelFileLimits fills defaults and refuses unknown or non-positive limits', () => {
    expect(resolveModelFileLimits()).toEqual(MODEL_FILE_LIMITS);
    expect(resolveModelFileLimits({ maxPickleMarks: 10, maxFileBytes: undefined })).toEqual({ ...MODEL_FILE_LIMITS, maxPickleMarks: 10 });
    expect(errorOf(() => resolveModelFileLimits({ maxPickleMarks: 0 })).message).toBe('limits.maxPickleMarks: expected a positive number, got 0');
    expect(errorOf(() => resolveModelFileLimits({ maxPickleMarks: Number.NaN })).code).toBe('CONFIG_INVALID');
    expect(errorOf(() => resolveModelFileLimits({ maxMarks: 5 } as object)).message).toMatch(/^limits\.maxMarks: unknown limit; expected one of maxFileBytes, maxJsonBytes, /);
  });

  it('limit errors carry the option, its value and what the file needed', () => {
    const error = limitExceeded('a.pth', 'the file asks for 12 things', 'maxPickleStack', 10, 12);
    expect(error).toBeInstanceOf(CsrnetLimitError);
    expect(error).toMatchObject({ code: 'LIMIT_EXCEEDED', file: 'a.pth', option: 'maxPickleStack', limit: 10, needed: 12 });
    expect(error.message).toMatch(/^a\.pth: the file asks for 12 things, over the limit limits\.maxPickleStack = 10\. No genuine CSRNet or VGG-16 file does this/);
    expect(() => checkFileSize(1000, 'b.h5', { maxFileBytes: 1000 })).not.toThrow();
    expect(errorOf(() => checkFileSize(1001, 'b.h5', { maxFileBytes: 1000 }))).toMatchObject({ option: 'maxFileBytes', needed: 1001 });
  });
});
