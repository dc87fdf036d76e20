import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * Time-outs that hold on the 2-core machine while another heavy job runs (a
 * time-out guards against hangs; it is not a speed check): 2 minutes per
 * test and hook, 5 for projects that run tfjs (a CSRNet forward or training
 * step on the cpu or wasm backend can take tens of seconds when loaded).
 */
const TEST_TIMEOUT_MS = 120_000;
const HEAVY_TEST_TIMEOUT_MS = 300_000;

/** Whether the project at `projectRoot` depends on tfjs (dependencies of any kind). */
function runsTfjs(projectRoot: string): boolean {
  const manifest = join(projectRoot, 'package.json');
  if (!existsSync(manifest)) return false;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, Record<string, string> | undefined>;
  return ['dependencies', 'devDependencies', 'peerDependencies'].some((field) => Object.keys(pkg[field] ?? {}).some((name) => name.startsWith('@tensorflow/')));
}

/**
 * Shared vitest settings for every workspace project.
 *
 * - The `@crowd/source` export condition makes sibling packages resolve to
 *   their `src/*.ts`, so tests never need a build of their dependencies.
 * - Time-outs: see `TEST_TIMEOUT_MS` and `HEAVY_TEST_TIMEOUT_MS`.
 * - When `CROWD_TEST_RESULTS` is set (by `tools/run-tests.mjs`), a JSON report
 *   is written there so the root command can print one `N passed, N failed` line.
 */
export function crowdVitestConfig(projectRoot: string, overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  const resultsDir = process.env.CROWD_TEST_RESULTS;
  const conditions = ['@crowd/source', 'node', 'import', 'module', 'default'];
  const timeout = runsTfjs(projectRoot) ? HEAVY_TEST_TIMEOUT_MS : TEST_TIMEOUT_MS;
  return defineConfig({
    root: projectRoot,
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@crowd/source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: timeout,
      hookTimeout: timeout,
      ...(resultsDir
        ? {
            reporters: ['default', 'json'],
            outputFile: { json: join(resultsDir, `${basename(projectRoot)}.json`) },
          }
        : {}),
      ...overrides,
    },
  });
}
