#!/usr/bin/env node
// Builds the workspace's dist/ folders with TypeScript project references:
// one incremental `tsc -b` (each project is type-checked and emitted only when
// its inputs or a referenced project changed), then each published package's
// CommonJS face.
//
//   node tools/build.mjs               every project with a tsconfig.build.json (the root `build`)
//   node ../../tools/build.mjs         from a package folder: that package and what it references
//                                      (its `build` and `prepack` scripts)
//
// The packages are ESM. Node >= 20.19 (our engines) can `require()` them, but
// TypeScript's node16 CommonJS mode and attw refuse a `require` that resolves
// to ESM types. So each package also gets dist/cjs/: a `{"type":"commonjs"}`
// package.json, one `module.exports = require('../x.js')` file per entry
// point (CommonJS callers get the very same module instance as ESM callers:
// no second copy of any state or class), and a copy of the declarations,
// which TypeScript reads as CommonJS there.
//
// `tsc -b` neither notices deleted outputs nor deletes outputs of deleted
// sources, so this also removes dist files whose source is gone and rebuilds
// a project whose outputs are incomplete: a packed tarball is never stale.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
const BUILD_CONFIG = 'tsconfig.build.json';
const BUILD_INFO = 'tsconfig.build.tsbuildinfo';

/** Every buildable workspace project: a folder under packages/ or apps/ with a tsconfig.build.json. */
function workspaceProjects() {
  return ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(root, group))
      .map((name) => join(root, group, name))
      .filter((dir) => existsSync(join(dir, BUILD_CONFIG))),
  );
}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** Writes through a temporary sibling and a rename, and only when the content changes (parallel builds may race). */
function writeIfChanged(file, content) {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return;
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, file);
}

function* walk(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

const toPosix = (path) => path.split(sep).join('/');

class BuildError extends Error {}

/**
 * The project's workspace dependencies must be its project references, or a
 * clean `tsc -b` builds it before them; says exactly which entries to add or drop.
 */
function checkReferences(dir, byName) {
  const pkg = readJson(join(dir, 'package.json'));
  const config = readJson(join(dir, BUILD_CONFIG));
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).filter((name) => byName.has(name));
  const wanted = deps.map((name) => toPosix(relative(dir, join(byName.get(name), BUILD_CONFIG)))).sort();
  const have = (config.references ?? []).map((ref) => toPosix(ref.path.endsWith('.json') ? ref.path : join(ref.path, 'tsconfig.json'))).sort();
  const missing = wanted.filter((path) => !have.includes(path));
  const extra = have.filter((path) => !wanted.includes(path));
  if (missing.length > 0 || extra.length > 0) {
    throw new BuildError(
      `${relative(root, join(dir, BUILD_CONFIG))}: "references" must list the workspace packages it depends on` +
        (missing.length > 0 ? `; add ${missing.map((path) => JSON.stringify({ path })).join(', ')}` : '') +
        (extra.length > 0 ? `; remove ${extra.map((path) => JSON.stringify({ path })).join(', ')} (not a dependency in package.json)` : ''),
    );
  }
  if (config.compilerOptions?.composite !== true) throw new BuildError(`${relative(root, join(dir, BUILD_CONFIG))}: set "composite": true (project references need it)`);
}

/** The source file a dist file was emitted from (dist/a/b.d.ts.map → src/a/b.ts). */
function sourceOf(dir, file) {
  const rel = relative(join(dir, 'dist'), file);
  const base = rel.replace(/(\.d\.ts\.map|\.d\.ts|\.js\.map|\.js)$/, '');
  return base === rel ? undefined : join(dir, 'src', `${base}.ts`);
}

/** Deletes ESM outputs of deleted sources; returns false when a source lacks its .js or .d.ts. */
function pruneAndCheck(dir) {
  const dist = join(dir, 'dist');
  for (const file of walk(dist)) {
    if (file.startsWith(join(dist, 'cjs') + sep) || file.endsWith('.tsbuildinfo')) continue;
    const source = sourceOf(dir, file);
    if (source !== undefined && !existsSync(source)) rmSync(file);
  }
  // Every tsconfig.build.json excludes src/**/*.test.ts.
  for (const source of walk(join(dir, 'src'))) {
    if (!source.endsWith('.ts') || source.endsWith('.test.ts')) continue;
    const base = join(dist, relative(join(dir, 'src'), source)).replace(/\.ts$/, '');
    if (!existsSync(`${base}.js`) || !existsSync(`${base}.d.ts`)) return false;
  }
  return true;
}

/**
 * The published package's export map, checked against the layout this
 * script writes: every entry has `import` → ./dist/X.js with ./dist/X.d.ts
 * and `default` → ./dist/cjs/X.js with ./dist/cjs/X.d.ts. Returns X for each.
 */
function entryPoints(dir, pkg) {
  const where = relative(root, join(dir, 'package.json'));
  const entries = [];
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target === 'string') continue; // ./package.json
    const esm = /^\.\/dist\/(.+)\.js$/.exec(target.import?.default ?? '')?.[1];
    const expected = esm && {
      import: { types: `./dist/${esm}.d.ts`, default: `./dist/${esm}.js` },
      default: { types: `./dist/cjs/${esm}.d.ts`, default: `./dist/cjs/${esm}.js` },
    };
    if (!expected || JSON.stringify(target.import) !== JSON.stringify(expected.import) || JSON.stringify(target.default) !== JSON.stringify(expected.default)) {
      throw new BuildError(`${where}: exports["${subpath}"] should be ${JSON.stringify({ '@crowd/source': `./src/${esm ?? 'X'}.ts`, ...(expected || {}) })}; found ${JSON.stringify(target)}`);
    }
    entries.push(esm);
  }
  if (pkg.main !== './dist/cjs/index.js' || pkg.types !== './dist/cjs/index.d.ts') {
    throw new BuildError(`${where}: "main" and "types" should be "./dist/cjs/index.js" and "./dist/cjs/index.d.ts" (for tools that ignore "exports", like TypeScript's node10 resolution)`);
  }
  return entries;
}

/** dist/cjs/: the CommonJS face of the ESM build (see the header). */
function writeCommonJsFace(dir) {
  const pkg = readJson(join(dir, 'package.json'));
  if (pkg.private) return;
  const dist = join(dir, 'dist');
  const cjs = join(dist, 'cjs');
  const entries = new Set(entryPoints(dir, pkg).map((entry) => join(cjs, `${entry}.js`)));
  const keep = new Set([join(cjs, 'package.json'), ...entries]);
  writeIfChanged(join(cjs, 'package.json'), '{ "type": "commonjs" }\n');
  for (const stub of entries) {
    const target = toPosix(relative(dirname(stub), join(dist, relative(cjs, stub))));
    writeIfChanged(stub, `'use strict';\n// The ESM build, through Node's require(esm): one module instance for require and import.\nmodule.exports = require('${target}');\n`);
  }
  for (const file of walk(dist)) {
    if (file.startsWith(cjs + sep) || !(file.endsWith('.d.ts') || file.endsWith('.d.ts.map'))) continue;
    const copy = join(cjs, relative(dist, file));
    keep.add(copy);
    if (file.endsWith('.d.ts')) {
      writeIfChanged(copy, readFileSync(file, 'utf8'));
    } else {
      const map = readJson(file);
      map.sources = map.sources.map((source) => toPosix(relative(dirname(copy), resolve(dirname(file), source))));
      writeIfChanged(copy, JSON.stringify(map));
    }
  }
  for (const file of walk(cjs)) if (!keep.has(file)) rmSync(file);
}

/** The project folders `tsc -b` visits from these configs: them and, transitively, what they reference. */
function closure(dirs) {
  const seen = new Set();
  const visit = (dir) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    for (const ref of readJson(join(dir, BUILD_CONFIG)).references ?? []) visit(dirname(resolve(dir, ref.path)));
  };
  dirs.forEach(visit);
  return [...seen];
}

function tscBuild(configs, extra = []) {
  const run = spawnSync(process.execPath, [tsc, '-b', ...configs, ...extra], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) throw new BuildError(`tsc -b failed (exit ${run.status ?? run.signal}): see the errors above`);
}

function main() {
  const started = performance.now();
  const all = workspaceProjects();
  const byName = new Map(all.map((dir) => [readJson(join(dir, 'package.json')).name, dir]));
  const here = resolve(process.cwd());
  const targets = here === root ? all : [here];
  if (!existsSync(join(targets[0], BUILD_CONFIG))) throw new BuildError(`${here}: no ${BUILD_CONFIG} here; run this from the repository root or a package folder`);
  const projects = closure(targets);
  for (const dir of projects) checkReferences(dir, byName);
  tscBuild(targets.map((dir) => join(dir, BUILD_CONFIG)));
  const incomplete = projects.filter((dir) => !pruneAndCheck(dir));
  if (incomplete.length > 0) {
    // Outputs deleted by hand while the build info survived: make tsc emit those projects again.
    for (const dir of incomplete) rmSync(join(dir, 'dist', BUILD_INFO), { force: true });
    tscBuild(incomplete.map((dir) => join(dir, BUILD_CONFIG)));
    const still = incomplete.filter((dir) => !pruneAndCheck(dir));
    if (still.length > 0) throw new BuildError(`${still.map((dir) => relative(root, dir)).join(', ')}: tsc emitted no .js/.d.ts for some sources (is "noEmit" or "emitDeclarationOnly" set?)`);
  }
  for (const dir of projects) writeCommonJsFace(dir);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  // stderr: `npm pack --json` runs this as prepack and owns stdout.
  console.error(`built ${projects.map((dir) => relative(root, dir)).join(', ')} in ${seconds} s`);
}

try {
  main();
} catch (error) {
  if (!(error instanceof BuildError)) throw error;
  console.error(`build: ${error.message}`);
  process.exit(1);
}
