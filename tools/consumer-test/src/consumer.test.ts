import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Consumers, MODULE_RESOLUTIONS, type Project } from './consumers.ts';
import { exampleVariants } from './example-variants.ts';
import { describeFailure, timingTable } from './steps.ts';
import { contentProblems, dependencyProblems, metadataProblems, readmeLinkProblems } from './tarball-checks.ts';
import { shortName, TFJS_LOWEST, TFJS_RANGE } from './workspace.ts';

// Every published package, packed as `npm publish` would pack it, installed
// from the tarball into projects outside the workspace and used there as
// ESM, CommonJS, TypeScript (every moduleResolution) and a browser bundle.

const consumers = new Consumers();
consumers.start();
const PACKAGES = consumers.packages;
const WITH_EXAMPLE = PACKAGES.filter((pkg) => pkg.example !== undefined);
const exampleOf = (name: string) => PACKAGES.find((pkg) => pkg.name === name)!.example!;
/** Packages whose core runs in browsers, and what runs there: the README example, or for csrnet the browser program. */
const BROWSER = ['@crowd/density', '@crowd/heatmap', '@crowd/metrics', '@crowd/csrnet'];
const CSRNET_BROWSER_PROGRAM = readFileSync(new URL('../browser/csrnet-core.ts', import.meta.url), 'utf8');
/** Installed with @crowd/density alone there must be nothing heavy: no tfjs, sharp or h5wasm. */
const HEAVY = /^(@tensorflow\/|sharp$|@img\/|h5wasm$|onnxruntime)/;

afterAll(async () => {
  await consumers.dispose();
  console.log(`[consumer] steps:\n${timingTable()}`);
}, 120_000);

describe('the tarballs', () => {
  beforeAll(() => consumers.tarballs());

  test.each(PACKAGES)('$name: metadata, LICENSE, README and CHANGELOG in "files"', async ({ name }) => {
    expect(metadataProblems((await consumers.tarballs()).get(name)!)).toEqual([]);
  });

  test.each(PACKAGES)('$name: ships dist/ and src/ (for source maps) but nothing resolves into src/; no tests', async ({ name }) => {
    expect(contentProblems((await consumers.tarballs()).get(name)!)).toEqual([]);
  });

  test.each(PACKAGES)('$name: README links work on the npm page', async ({ name }) => {
    expect(readmeLinkProblems((await consumers.tarballs()).get(name)!)).toEqual([]);
  });

  test.each(PACKAGES)('$name: every imported package is declared; internal and tfjs ranges', async ({ name }) => {
    expect(dependencyProblems((await consumers.tarballs()).get(name)!, consumers.versions)).toEqual([]);
  });

  test.each(PACKAGES)('$name: publint --strict finds nothing', async ({ name }) => {
    const result = await consumers.publint((await consumers.tarballs()).get(name)!.tarball);
    expect(result.code, describeFailure(result)).toBe(0);
    expect(result.stdout).toContain('All good!');
  });

  test.each(PACKAGES)('$name: attw (node10, node16 from CJS and ESM, bundler) finds no problem', async ({ name, entryPoints }) => {
    const result = await consumers.attw((await consumers.tarballs()).get(name)!.tarball);
    const report = JSON.parse(result.stdout) as {
      problems: Record<string, unknown[]> | unknown[];
      analysis: { entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string } }> }> };
    };
    for (const [entry, { resolutions }] of Object.entries(report.analysis.entrypoints)) {
      const targets = Object.entries(resolutions).map(([kind, r]) => `${kind} → ${r.resolution?.fileName.replace(/^\/node_modules\/[^/]+\/[^/]+\//, '') ?? 'nothing'}`);
      console.log(`[consumer] attw ${name} ${entry}: ${targets.join(', ')}`);
    }
    // An object of problem lists by kind when there are problems, `{}` or `[]` when there are none.
    expect(Object.values(report.problems).flat()).toEqual([]);
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(['./package.json', ...entryPoints.map((spec) => `.${spec.slice(name.length)}`)].sort());
  });
});

describe('@crowd/density installed alone', () => {
  let project: Project;
  beforeAll(async () => {
    project = await consumers.densityOnly();
  });

  test('pulls in kdbush and nothing else (no tfjs, sharp or h5wasm)', () => {
    expect([...project.installed.keys()].filter((name) => HEAVY.test(name))).toEqual([]);
    expect([...project.installed.keys()].sort()).toEqual(['@crowd/density', 'kdbush']);
  });

  test('its README example runs there', async () => {
    const { code, expectedOutput } = exampleOf('@crowd/density');
    const result = await consumers.node(project, 'example.mjs', exampleVariants(code).esmJs);
    expect(result.code, describeFailure(result)).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toEqual(expectedOutput);
  });
});

describe('@crowd/csrnet installed alone', () => {
  let project: Project;
  beforeAll(async () => {
    project = await consumers.csrnetOnly();
  });

  test('gets its required peer @tensorflow/tfjs, and no h5wasm, sharp or native tfjs', async () => {
    expect(project.installed.get('@tensorflow/tfjs')).toEqual([TFJS_LOWEST]);
    expect([...project.installed.keys()].filter((name) => /^(h5wasm|sharp|@img\/.*|@tensorflow\/tfjs-node.*|onnxruntime.*)$/.test(name))).toEqual([]);
    const ls = await consumers.npmLs(project);
    expect(ls.code, describeFailure(ls)).toBe(0);
  });

  // The HDF5 signature, then nothing: enough to reach the h5wasm import.
  const hdf5 = '[0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(56).fill(0)]';
  const report = `(error) => console.log(JSON.stringify({ name: error.name, code: error.code, isCsrnetError: error instanceof CsrnetError, message: error.message }))`;

  test.each([
    ['ESM', 'keras.mjs', `import { CsrnetError, vggFrontendFromKerasH5 } from '@crowd/csrnet';\nawait vggFrontendFromKerasH5(new Uint8Array(${hdf5}), 'vgg16.h5').then(() => console.log('no error'), ${report});\n`],
    ['CommonJS', 'keras.cjs', `const { CsrnetError, vggFrontendFromKerasH5 } = require('@crowd/csrnet');\nvggFrontendFromKerasH5(new Uint8Array(${hdf5}), 'vgg16.h5').then(() => console.log('no error'), ${report});\n`],
  ])('the Keras VGG-16 import without h5wasm (%s) is a CsrnetError saying what to install', async (_, file, code) => {
    const result = await consumers.node(project, file, code);
    expect(result.code, describeFailure(result)).toBe(0);
    const error = JSON.parse(result.stdout) as { name: string; code: string; isCsrnetError: boolean; message: string };
    expect(error).toMatchObject({ name: 'CsrnetError', code: 'DEPENDENCY_MISSING', isCsrnetError: true });
    expect(error.message).toMatch(/^vgg16\.h5: reading Keras HDF5 weights needs h5wasm, .* npm i h5wasm@\^0\.10\.3 \(Cannot find package 'h5wasm'/);
  });
});

describe('every package installed together', () => {
  let project: Project;
  beforeAll(async () => {
    project = await consumers.everything();
  });

  test(`every dependency and peer is satisfied (npm ls); tfjs is ${TFJS_LOWEST}, the lowest of the peer range`, async () => {
    const ls = await consumers.npmLs(project);
    expect(ls.code, describeFailure(ls)).toBe(0);
    expect(project.installed.get('@tensorflow/tfjs')).toEqual([TFJS_LOWEST]);
  });

  test('tfjs at the highest stable version of the peer range runs the csrnet and train examples too', async () => {
    const versions = await consumers.tfjsVersions();
    const highest = versions[versions.length - 1];
    expect(versions[0]).toBe(TFJS_LOWEST);
    if (highest === TFJS_LOWEST) {
      console.log(`[consumer] tfjs ${TFJS_RANGE}: ${TFJS_LOWEST} is also the highest stable 4.x on npm, so the project "all" tests the whole range`);
      return;
    }
    const tfjs = ['@crowd/csrnet', '@crowd/train'];
    const newest = await consumers.project(`tfjs-${highest}`, [...tfjs, '@crowd/datasets', '@crowd/density', '@crowd/metrics'], {
      '@tensorflow/tfjs': highest,
      '@tensorflow/tfjs-backend-wasm': highest,
    });
    expect(newest.installed.get('@tensorflow/tfjs')).toEqual([highest]);
    for (const pkg of PACKAGES.filter(({ name }) => tfjs.includes(name))) {
      const result = await consumers.node(newest, `${shortName(pkg.name)}.mjs`, exampleVariants(pkg.example!.code).esmJs);
      expect(result.code, describeFailure(result)).toBe(0);
      expect(result.stdout.trimEnd().split('\n')).toEqual(pkg.example!.expectedOutput);
    }
  });

  test.each(PACKAGES)('$name: every entry point loads with import and with require, as the same module', async ({ name, entryPoints }) => {
    const dir = `examples/${shortName(name)}`;
    const esm = await consumers.node(project, `${dir}/entries.mjs`);
    expect(esm.code, describeFailure(esm)).toBe(0);
    const cjs = await consumers.node(project, `${dir}/entries.cjs`);
    expect(cjs.code, describeFailure(cjs)).toBe(0);
    const imported = JSON.parse(esm.stdout) as Record<string, { keys: string[]; same: boolean }>;
    const required = JSON.parse(cjs.stdout) as Record<string, string[]>;
    expect(Object.keys(imported)).toEqual(entryPoints);
    for (const spec of entryPoints) {
      expect(imported[spec].same, `${spec}: require() gave another module than import`).toBe(true);
      expect(required[spec], `${spec}: a CommonJS program sees other exports`).toEqual(imported[spec].keys);
    }
  });

  test.each(WITH_EXAMPLE)('$name: the README example prints what the README says, as ESM', async ({ name, example }) => {
    const result = await consumers.node(project, `examples/${shortName(name)}/esm.mjs`);
    expect(result.code, describeFailure(result)).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toEqual(example!.expectedOutput);
  });

  test.each(WITH_EXAMPLE)('$name: the README example prints what the README says, as CommonJS (require)', async ({ name, example }) => {
    const result = await consumers.node(project, `examples/${shortName(name)}/cjs.cjs`);
    expect(result.code, describeFailure(result)).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toEqual(example!.expectedOutput);
  });

  test.each(MODULE_RESOLUTIONS)('every example and entry point type-checks, with our declarations, under moduleResolution %s', async (resolution) => {
    const { diagnostics, declarations } = await consumers.typecheck(resolution);
    expect(diagnostics).toEqual([]);
    expect(declarations).toBeGreaterThan(PACKAGES.length);
  });

  test('a Vite bundle runs in Chromium: density, heatmap and metrics README examples, csrnet core', async () => {
    const csrnet = (name: string) => name === '@crowd/csrnet';
    const { pages, modules } = await consumers.browserRun(BROWSER.map((name) => ({ name, code: csrnet(name) ? CSRNET_BROWSER_PROGRAM : exampleOf(name).code })));
    for (const name of BROWSER) {
      // The csrnet program prints the README example's lines, on the cpu backend instead of wasm.
      const expected = csrnet(name) ? ['backend: cpu', ...exampleOf(name).expectedOutput.slice(1)] : exampleOf(name).expectedOutput;
      expect(pages.get(name), `${name} printed nothing`).toEqual({ log: expected, errors: [] });
    }
    // Built from the project's own node_modules, from dist/: never src/, nothing from outside the project.
    const ours = modules.filter((id) => id.includes('/node_modules/@crowd/'));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.filter((id) => !/\/node_modules\/@crowd\/[^/]+\/dist\//.test(id))).toEqual([]);
    expect(modules.filter((id) => !id.startsWith(project.dir) && !id.includes('/node_modules/vite/'))).toEqual([]);
  });
});
