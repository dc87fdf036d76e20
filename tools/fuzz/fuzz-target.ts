/**
 * One parser under fuzzing: `tools/fuzz/targets/<name>.ts` default-exports
 * one of these. The runner (see README.md) calls `seeds()` once, then
 * `run()` on each seed and on seeded mutations of them, every input in a
 * worker with memory limits and a time-out, and fails on anything but a
 * normal return or an error `isExpectedError` accepts.
 */
export interface FuzzTarget {
  name: string;
  /** Valid inputs to mutate (read from tools/fixtures or generated). */
  seeds(): Promise<Uint8Array[]>;
  /** Parses one input; may throw. */
  run(bytes: Uint8Array): Promise<unknown> | unknown;
  /** True for the typed errors this parser is allowed to throw. */
  isExpectedError(error: unknown): boolean;
  /**
   * Inputs one worker runs before a fresh one replaces it, for parsers that
   * keep state across calls in a way no real process reaches (h5wasm's heap
   * after thousands of damaged files). @default no limit
   */
  inputsPerWorker?: number;
}
