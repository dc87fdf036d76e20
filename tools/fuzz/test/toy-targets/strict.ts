import type { FuzzTarget } from '../../fuzz-target.ts';

class ToyFormatError extends Error {}

/** A correct parser: the seed loads, anything else is a typed, expected error. */
const target: FuzzTarget = {
  name: 'strict',
  seeds: async () => [Uint8Array.of(1, 2, 3, 4)],
  run(bytes) {
    if (bytes.length !== 4 || bytes[0] !== 1) throw new ToyFormatError(`bad header ${bytes[0]} (${bytes.length} bytes)`);
    return bytes[3];
  },
  isExpectedError: (error) => error instanceof ToyFormatError,
};

export default target;
