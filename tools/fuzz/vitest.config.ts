import { crowdVitestConfig } from '../vitest.preset.ts';

// Each target fuzzes for CROWD_FUZZ_SECONDS (default 8) in its own worker thread; one file at a time keeps the memory bound meaningful.
export default crowdVitestConfig(import.meta.dirname, { fileParallelism: false, testTimeout: 600_000 });
