#!/usr/bin/env node
// Typechecks every workspace project (vitest strips types without checking
// them), runs every project's tests through nx (and tools/ test folders that
// are not nx projects directly), then prints one closing line
// `N passed, N failed` summed over the per-project vitest JSON reports; a
// failed typecheck counts as one failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const resultsDir = join(root, '.test-results');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

// Every folder with a vitest.config.ts under packages/, apps/ and tools/ (the
// consumer test, and whatever test projects tools/ gains). Its JSON report is
// named after the folder (see tools/vitest.preset.ts).
const projects = ['packages', 'apps', 'tools'].flatMap((group) =>
  readdirSync(join(root, group))
    .filter((name) => existsSync(join(root, group, name, 'vitest.config.ts')))
    .map((name) => ({ name, dir: join(root, group, name) })),
);

const env = { ...process.env, CROWD_TEST_RESULTS: resultsDir, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' };
// Type checks (one single-threaded tsc each) run two at a time; test projects one at a time, since
// their tests use every core (onnxruntime, worker threads, Chromium) and time-outs assume it.
const nxRun = (target, parallel = 1) =>
  spawnSync('npx', ['nx', 'run-many', '-t', target, '--output-style=static', `--parallel=${parallel}`, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });

let passed = 0;
let failed = 0;
const typecheck = nxRun('typecheck', 2);
if (typecheck.status !== 0) {
  console.error('typecheck failed (see above)');
  failed += 1;
}
const nx = nxRun('test');
// nx knows the folders the root package.json lists as workspaces, and those
// with a project.json; a test folder that is neither is run here.
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;
const isNxProject = (dir) => {
  const path = relative(root, dir).split(sep).join('/');
  const listed = workspaces.some((entry) => entry === path || (entry.endsWith('/*') && dirname(path) === entry.slice(0, -2)));
  return existsSync(join(dir, 'project.json')) || (listed && existsSync(join(dir, 'package.json')));
};
let direct = 0;
if (process.argv.length <= 2) {
  for (const { name, dir } of projects) {
    if (isNxProject(dir)) continue;
    console.log(`\n> vitest run (${name}: not an nx project)`);
    const run = spawnSync('npx', ['vitest', 'run'], { cwd: dir, stdio: 'inherit', env });
    if (run.status !== 0) direct += 1;
  }
}
for (const { name } of projects) {
  const file = join(resultsDir, `${name}.json`);
  if (!existsSync(file)) {
    if (process.argv.length <= 2) {
      console.error(`no test report from ${name}: its test run crashed or did not start`);
      failed += 1;
    }
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.numRuntimeErrors ?? 0);
  if (!report.success && report.numFailedTests === 0) failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(nx.status === 0 && direct === 0 && failed === 0 ? 0 : 1);
