import { crowdVitestConfig } from '../../tools/vitest.preset.ts';

export default crowdVitestConfig(import.meta.dirname);
