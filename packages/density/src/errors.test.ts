import { describe, expect, it } from 'vitest';
import { DensityError } from './errors.js';

describe('DensityError', () => {
  it('is an Error with a name, a code and the message', () => {
    const error = new DensityError('INVALID_SIZE', 'Invalid image height: expected a positive integer, received 0.');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(DensityError);
    expect(error.name).toBe('DensityError');
    expect(error.code).toBe('INVALID_SIZE');
    expect(error.message).toBe('Invalid image height: expected a positive integer, received 0.');
  });
});
