// One fuzz target in a worker thread (see target-worker.ts). The target is
// TypeScript importing workspace sources, so it is loaded the way vitest
// loads tests: vite's module runner with the @crowd/source condition. Then it
// answers messages: `seeds` once, and `run` per input with the outcome.
import { parentPort, workerData } from 'node:worker_threads';
import { runnerImport } from 'vite';

const conditions = ['@crowd/source', 'node', 'import', 'module', 'default'];
const { module } = await runnerImport(workerData.file, {
  configFile: false,
  logLevel: 'silent',
  root: workerData.root,
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@crowd/source'] } },
});
const target = module.default;
if (typeof target?.run !== 'function' || typeof target?.seeds !== 'function' || typeof target?.isExpectedError !== 'function') {
  throw new Error(`${workerData.file} does not default-export a FuzzTarget (name, seeds, run, isExpectedError)`);
}

const describe = (error) => ({ name: error?.name ?? typeof error, message: String(error?.message ?? error).slice(0, 2000), stack: String(error?.stack ?? '').slice(0, 4000) });

parentPort.on('message', async (message) => {
  if (message.type === 'seeds') {
    const seeds = await target.seeds();
    parentPort.postMessage({ type: 'seeds', name: target.name, seeds, inputsPerWorker: target.inputsPerWorker });
    return;
  }
  const started = performance.now();
  let outcome;
  try {
    await target.run(message.bytes);
    outcome = { kind: 'ok' };
  } catch (error) {
    outcome = target.isExpectedError(error) ? { kind: 'expected', message: String(error?.message ?? error).slice(0, 300) } : { kind: 'unexpected', error: describe(error) };
  }
  parentPort.postMessage({ type: 'result', id: message.id, outcome, ms: performance.now() - started });
});
parentPort.postMessage({ type: 'ready' });
