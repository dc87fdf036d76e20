import type { FuzzTarget } from '../../fuzz-target.ts';

/** A parser that crashes (TypeError) on any input that is not exactly 4 bytes: mutations find that at once. */
const target: FuzzTarget = {
  name: 'fixed-length',
  seeds: async () => [Uint8Array.of(1, 2, 3, 4)],
  run(bytes) {
    if (bytes.length !== 4) throw new TypeError(`expected 4 bytes, got ${bytes.length}`);
    return bytes[0];
  },
  isExpectedError: () => false,
};

export default target;
