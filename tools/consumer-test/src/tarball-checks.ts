import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, normalize, relative } from 'node:path';
import { importedModules } from './example-variants.ts';
import { NODE_ENGINES, REPOSITORY_URL, ROOT, type Manifest, type PublishedPackage } from './workspace.ts';

/**
 * Checks of one unpacked tarball. Each returns the problems it finds as
 * sentences (empty when there are none), so a failing test says what is wrong.
 */

export interface Unpacked {
  pkg: PublishedPackage;
  /** The tarball's `package/` folder, extracted. */
  dir: string;
  /** Every file in the tarball, relative to `package/`, with `/`. */
  files: string[];
  /** The package.json as published. */
  manifest: Manifest;
}

/** License, repository, homepage, bugs, engines, access, keywords and `files`. */
export function metadataProblems({ pkg, dir, files, manifest }: Unpacked): string[] {
  const problems: string[] = [];
  const expect = (what: string, found: unknown, wanted: unknown) => {
    if (JSON.stringify(found) !== JSON.stringify(wanted)) problems.push(`${what} should be ${JSON.stringify(wanted)}; found ${JSON.stringify(found)}`);
  };
  expect('license', manifest.license, 'MIT');
  if (!files.includes('LICENSE')) problems.push('the tarball has no LICENSE');
  else if (readFileSync(join(dir, 'LICENSE'), 'utf8') !== readFileSync(join(ROOT, 'LICENSE'), 'utf8')) problems.push(`LICENSE differs from the repository's (copy the root LICENSE into ${pkg.path})`);
  if (!files.includes('README.md')) problems.push('the tarball has no README.md');
  expect('repository', manifest.repository, { type: 'git', url: `git+${REPOSITORY_URL}.git`, directory: pkg.path });
  expect('homepage', manifest.homepage, `${REPOSITORY_URL}/tree/main/${pkg.path}#readme`);
  expect('bugs', manifest.bugs, { url: `${REPOSITORY_URL}/issues` });
  expect('engines', manifest.engines, { node: NODE_ENGINES });
  expect('publishConfig', manifest.publishConfig, { access: 'public' });
  if (!(manifest.keywords?.length ?? 0)) problems.push('keywords are missing');
  for (const file of ['README.md', 'CHANGELOG.md', 'LICENSE']) {
    if (!manifest.files?.includes(file)) problems.push(`"files" does not list ${file}`);
  }
  return problems;
}

/** Every path the manifest points at (exports, main, types, typesVersions). */
function manifestTargets(manifest: Manifest): { where: string; target: string }[] {
  const targets: { where: string; target: string }[] = [];
  const visit = (where: string, value: unknown) => {
    if (typeof value === 'string') targets.push({ where, target: value });
    else if (value !== null && typeof value === 'object') for (const [key, inner] of Object.entries(value)) visit(`${where}.${key}`, inner);
  };
  visit('exports', manifest.exports);
  visit('main', manifest.main);
  visit('types', manifest.types);
  visit('typesVersions', manifest.typesVersions);
  return targets;
}

/**
 * What consumers resolve never leads into src/ (shipped for the source maps
 * only): no condition but the workspace's own `@crowd/source` points there,
 * no emitted file imports from there, and every map's sources are in the
 * tarball. Also: no tests and no build info, and every target exists.
 */
export function contentProblems({ dir, files, manifest }: Unpacked): string[] {
  const problems: string[] = [];
  for (const file of files) {
    if (/\.test\.ts$|\.tsbuildinfo$|^test\//.test(file)) problems.push(`${file} should not be published`);
  }
  for (const { where, target } of manifestTargets(manifest)) {
    const path = normalize(target).replace(/^\.\//, '');
    if (where.includes('@crowd/source')) continue;
    if (!path.startsWith('dist/') && path !== 'package.json') problems.push(`${where} points outside dist/: ${target}`);
    if (!files.includes(path)) problems.push(`${where} points at ${target}, which is not in the tarball`);
  }
  for (const file of files.filter((name) => name.startsWith('dist/'))) {
    if (/\.(js|d\.ts)$/.test(file)) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const specifier of [...text.matchAll(/(?:from\s*|import\s*\(\s*|require\s*\(\s*)['"](\.[^'"]*)['"]/g)].map((match) => match[1])) {
        const target = relative(dir, join(dir, dirname(file), specifier));
        if (!target.startsWith('dist')) problems.push(`${file} imports ${specifier}, outside dist/`);
      }
    }
    if (file.endsWith('.map')) {
      const map = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { sources: string[] };
      for (const source of map.sources) {
        const target = relative(dir, join(dir, dirname(file), source)).split('\\').join('/');
        if (!files.includes(target)) problems.push(`${file} maps to ${source}, which is not in the tarball`);
      }
    }
  }
  return problems;
}

/** Relative links in the README must name files in the tarball (npm shows the README without the repository around it). */
export function readmeLinkProblems({ dir, files }: Unpacked): string[] {
  if (!files.includes('README.md')) return []; // metadataProblems reports it
  const readme = readFileSync(join(dir, 'README.md'), 'utf8').replace(/```[\s\S]*?```/g, '');
  const links = [...readme.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)|href="([^"]+)"|^\[[^\]]+\]:\s*(\S+)/gm)].map((match) => match[1] ?? match[2] ?? match[3]);
  return links
    .filter((link) => !/^(https?:|mailto:|#)/.test(link))
    .filter((link) => {
      const path = normalize(decodeURI(link.split('#')[0])).replace(/\/$/, '');
      return !(files.includes(path) || files.some((file) => file.startsWith(`${path}/`)));
    })
    .map((link) => `README.md links to ${link}, which is not in the tarball: link ${REPOSITORY_URL}/blob/main/<path> (/tree/main/<path> for a folder) instead`);
}

/**
 * Every package the emitted JavaScript imports is declared (dependency or
 * peer); internal dependencies are caret ranges on the sibling's version,
 * and tfjs peers are ranges.
 */
export function dependencyProblems({ dir, files, manifest }: Unpacked, versions: Map<string, string>): string[] {
  const problems: string[] = [];
  const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {}), manifest.name]);
  const undeclared = new Map<string, string>();
  for (const file of files.filter((name) => name.startsWith('dist/') && name.endsWith('.js'))) {
    for (const specifier of importedModules(readFileSync(join(dir, file), 'utf8'))) {
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
      if (!isBuiltin(specifier) && !declared.has(name) && !undeclared.has(name)) undeclared.set(name, file);
    }
  }
  for (const [name, file] of undeclared) problems.push(`${file} imports ${name}, which package.json does not declare`);
  for (const [field, deps] of Object.entries({ dependencies: manifest.dependencies, peerDependencies: manifest.peerDependencies })) {
    for (const [name, range] of Object.entries(deps ?? {})) {
      const sibling = versions.get(name);
      if (sibling !== undefined && range !== `^${sibling}`) problems.push(`${field}.${name} should be "^${sibling}" (kept in step by changesets); found "${range}"`);
      if (name.startsWith('@tensorflow/') && !range.startsWith('^')) problems.push(`${field}.${name} pins "${range}": a range lets projects on other 4.x versions install it`);
    }
  }
  return problems;
}
