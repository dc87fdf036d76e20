#!/usr/bin/env node
// Copies run-time modules of the GPU check into DEST/node_modules, trimmed to what Node
// loads on linux-x64 (called by tools/device/pack.sh):
//
//   node tools/device/pack-modules.mjs DEST PACKAGE...
//
// From the packages named it follows each package's `dependencies` (not its devDependencies,
// nor the type-only, CLI-only and install-only ones in SKIP). Each package keeps its
// package.json and only the files Node runs: the tfjs packages their `main` bundle (they
// also ship browser, ESM and minified bundles, and 50 MB of source maps), webgpu its
// linux-x64 `dawn.node`, onnxruntime-node its linux-x64 binaries, the workspace packages
// their ESM `dist/` (no CommonJS copy, no declarations); every other package everything but
// maps, declarations, TypeScript and Markdown. Native binaries are stripped of symbols.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const [dest, ...roots] = process.argv.slice(2);
if (dest === undefined || roots.length === 0) {
  console.error('usage: node tools/device/pack-modules.mjs DEST PACKAGE...');
  process.exit(2);
}
// Types; tfjs's command-line tools and polyfills (its Node bundle requires none of them);
// onnxruntime-node's install script (it downloads the CUDA provider); webgpu's build-time logger.
const SKIP = new Set(['argparse', 'chalk', 'core-js', 'regenerator-runtime', 'yargs', 'adm-zip', 'global-agent', 'debug']);
const skipped = (name) => name.startsWith('@types/') || name === '@webgpu/types' || SKIP.has(name);

const isMap = (f) => f.endsWith('.map');
const isDeclaration = (f) => /\.d\.[cm]?ts$/.test(f);
const NATIVE = /\.node$|\.so(\.\d+)*$/;

/** Which files of a package travel, by path relative to the package folder. */
function keep(name, pkg, file) {
  if (file === 'package.json' || /^licen[cs]e/i.test(file)) return true;
  if (name.startsWith('@tensorflow/')) {
    // The Node bundle, and the wasm backend's binaries but the threaded one (Node never runs it: tfjs issue #3830).
    return file === pkg.main.replace(/^\.\//, '') || (file.startsWith('dist/') && file.endsWith('.wasm') && !file.includes('threaded'));
  }
  if (name === 'webgpu') return file === 'index.js' || file === 'dist/linux-x64/dawn.node';
  if (name === 'onnxruntime-node') return (file.startsWith('dist/') && file.endsWith('.js')) || file.startsWith('bin/napi-v6/linux/x64/');
  if (name.startsWith('@crowd/')) return file.startsWith('dist/') && !file.startsWith('dist/cjs/') && file.endsWith('.js');
  if (name === 'protobufjs' && /^(dist|cli|scripts)\//.test(file)) return false;
  return !isMap(file) && !isDeclaration(file) && !file.endsWith('.ts') && !file.endsWith('.md') && !/(^|\/)(test|tests|__tests__|\.github)\//.test(file);
}

/** The folder of package `name` as Node resolves it from `fromDir` (nested node_modules first). */
function resolvePackage(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dir === root || dir === dirname(dir)) throw new Error(`cannot resolve ${name} from ${fromDir}`);
  }
}

/** Where a package goes in the pack: its own node_modules path, workspace packages at node_modules/<name>. */
function destinationOf(name, dir) {
  const rel = relative(root, dir);
  return rel.startsWith(`node_modules${sep}`) ? join(dest, rel) : join(dest, 'node_modules', name);
}

function* files(dir, prefix = '') {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    // A package's own node_modules holds other packages, reached through the dependency walk.
    if (entry.isDirectory() && entry.name !== 'node_modules') yield* files(join(dir, entry.name), rel);
    else if (entry.isFile()) yield rel;
  }
}

const seen = new Map();
const queue = roots.map((name) => ({ name, from: root }));
while (queue.length > 0) {
  const { name, from } = queue.shift();
  const dir = resolvePackage(name, from);
  if (seen.has(dir)) continue;
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const target = destinationOf(name, dir);
  let bytes = 0;
  for (const file of files(dir)) {
    if (!keep(name, pkg, file)) continue;
    const to = join(target, file);
    mkdirSync(dirname(to), { recursive: true });
    if (NATIVE.test(file)) execFileSync('strip', ['--strip-unneeded', '-o', to, join(dir, file)]);
    else copyFileSync(join(dir, file), to);
    bytes += statSync(to).size;
  }
  seen.set(dir, { name, version: pkg.version, bytes });
  for (const dep of Object.keys(pkg.dependencies ?? {})) if (!skipped(dep)) queue.push({ name: dep, from: dir });
}

let total = 0;
for (const { name, version, bytes } of [...seen.values()].sort((a, b) => b.bytes - a.bytes)) {
  total += bytes;
  console.log(`  ${`${name}@${version}`.padEnd(44)} ${(bytes / 2 ** 20).toFixed(1).padStart(6)} MiB`);
}
console.log(`  ${`${seen.size} packages`.padEnd(44)} ${(total / 2 ** 20).toFixed(1).padStart(6)} MiB`);
