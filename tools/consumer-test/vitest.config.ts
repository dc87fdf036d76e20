import { crowdVitestConfig } from '../vitest.preset.ts';

// One file whose steps run in order (pack, install, run); the hooks install
// from the npm cache and may wait on a loaded machine, hence the long limits.
export default crowdVitestConfig(import.meta.dirname, { testTimeout: 600_000, hookTimeout: 900_000 });
