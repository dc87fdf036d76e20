import { basename, join } from 'node:path';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * Shared vitest settings for every workspace project.
 *
 * - The `@crowd/source` export condition makes sibling packages resolve to
 *   their `src/*.ts`, so tests never need a build of their dependencies.
 * - When `CROWD_TEST_RESULTS` is set (by `tools/run-tests.mjs`), a JSON report
 *   is written there so the root command can print one `N passed, N failed` line.
 */
export function crowdVitestConfig(projectRoot: string, overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  const resultsDir = process.env.CROWD_TEST_RESULTS;
  const conditions = ['@crowd/source', 'node', 'import', 'module', 'default'];
  return defineConfig({
    root: projectRoot,
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@crowd/source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
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
