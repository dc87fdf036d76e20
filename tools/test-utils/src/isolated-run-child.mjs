// The child side of isolated-run.ts: imports one TypeScript module the way vitest
// does (vite's module runner, the workspace's @crowd/source condition), calls
// one export with the job's arguments, and writes the outcome with this
// process's peak resident memory as the kernel measured it.
import { readFileSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { runnerImport } from 'vite';

const [jobFile, resultFile] = process.argv.slice(2);
const { module, name, args, root } = deserialize(readFileSync(jobFile));
const conditions = ['@crowd/source', 'node', 'import', 'module', 'default'];
const { module: exports } = await runnerImport(module, {
  configFile: false,
  logLevel: 'silent',
  root,
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@crowd/source'] } },
});
const rss = () => process.resourceUsage().maxRSS * 1024;
const before = rss();
const started = performance.now();
let outcome;
try {
  outcome = { value: await exports[name](...args) };
} catch (error) {
  const { name, code, option, limit, needed } = error ?? {};
  outcome = { error: { name, code, option, limit, needed, message: String(error?.message ?? error) } };
}
outcome.seconds = (performance.now() - started) / 1000;
outcome.peakRssBytes = rss();
outcome.rssBeforeBytes = before;
writeFileSync(resultFile, serialize(outcome));
