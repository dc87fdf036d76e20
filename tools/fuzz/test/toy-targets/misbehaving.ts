import type { FuzzTarget } from '../../fuzz-target.ts';

class ToyFormatError extends Error {}

/**
 * A parser with one deliberate bug per first byte, for the runner's own
 * tests: `h` hangs, `m` fills 2 GiB of typed arrays, `j` fills the JS heap,
 * `t` throws a TypeError (unexpected), anything but 0x01 a ToyFormatError
 * (expected). Fed crafted inputs (CROWD_FUZZ_REPRO mode) only: mutation
 * finds these bugs at once.
 */
const target: FuzzTarget = {
  name: 'misbehaving',
  seeds: async () => [Uint8Array.of(1, 2, 3, 4)],
  run(bytes) {
    switch (bytes[0]) {
      case 0x01:
        return bytes.length;
      case 0x68:
        for (;;);
      case 0x6d: {
        const kept: Uint8Array[] = [];
        for (let i = 0; i < 64; i++) kept.push(new Uint8Array(32 << 20).fill(1));
        return kept.length;
      }
      case 0x6a: {
        const kept: object[] = [];
        for (;;) kept.push({ a: kept.length, b: [kept.length] });
      }
      case 0x74:
        throw new TypeError('toy bug');
      default:
        throw new ToyFormatError(`unknown tag ${bytes[0]}`);
    }
  },
  isExpectedError: (error) => error instanceof ToyFormatError,
};

export default target;
