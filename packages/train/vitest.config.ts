import { fileURLToPath } from 'node:url';
import { crowdVitestConfig } from '../../tools/vitest.preset.ts';

// workerCompute's threads run src/node/gradient-worker.ts: Node itself loads
// it, so the test processes (whose worker threads inherit execArgv) get a TS
// loader and the condition that resolves workspace packages to their sources.
export default crowdVitestConfig(import.meta.dirname, {
  execArgv: ['--import', fileURLToPath(new URL('./test/register-ts-hooks.mjs', import.meta.url)), '--conditions=@crowd/source'],
});
