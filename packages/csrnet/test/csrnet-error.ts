import { CsrnetError } from '../src/errors.js';

/** Runs `run` and returns the CsrnetError it throws; anything else (or nothing) fails the test. */
export function errorOf(run: () => unknown): CsrnetError {
  try {
    run();
  } catch (error) {
    if (!(error instanceof CsrnetError)) throw error;
    return error;
  }
  throw new Error('expected a CsrnetError');
}
