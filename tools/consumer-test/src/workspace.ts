import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findReadmeExample } from '@crowd/test-utils';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The one place the repository's URL is written down for the tests; the packages' metadata must match it. */
export const REPOSITORY_URL = 'https://github.com/crowd-ts/crowd';

/** The Node versions our packages support (`engines`), and the tfjs range their peers accept. */
export const NODE_ENGINES = '>=20.19';
export const TFJS_RANGE = '^4.22.0';
/** The lowest version of `TFJS_RANGE`: what the main consumer project installs. */
export const TFJS_LOWEST = '4.22.0';

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  keywords?: string[];
  repository?: { type: string; url: string; directory: string };
  homepage?: string;
  bugs?: { url: string };
  engines?: { node?: string };
  publishConfig?: { access?: string };
  main?: string;
  types?: string;
  typesVersions?: Record<string, Record<string, string[]>>;
  exports: Record<string, string | Record<string, string | Record<string, string>>>;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface PublishedPackage {
  name: string;
  /** The folder in the workspace, relative to the root (`packages/density`). */
  path: string;
  manifest: Manifest;
  /** The import specifiers of its entry points (`@crowd/csrnet`, `@crowd/csrnet/node`, …). */
  entryPoints: string[];
  /** The README's `## Example`, when it has one. */
  example: { code: string; expectedOutput: string[] } | undefined;
}

/** Every workspace package that is published (not `private`), from packages/. */
export function publishedPackages(): PublishedPackage[] {
  return readdirSync(join(ROOT, 'packages'))
    .map((folder) => `packages/${folder}`)
    .filter((path) => existsSync(join(ROOT, path, 'package.json')))
    .map((path) => ({ path, manifest: JSON.parse(readFileSync(join(ROOT, path, 'package.json'), 'utf8')) as Manifest }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ path, manifest }) => {
      const readme = join(ROOT, path, 'README.md');
      return {
        name: manifest.name,
        path,
        manifest,
        entryPoints: Object.keys(manifest.exports)
          .filter((subpath) => subpath !== './package.json')
          .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`)),
        example: existsSync(readme) ? findReadmeExample(readme) : undefined,
      };
    });
}

/** The JavaScript file of a workspace dev tool's command (`bin`), run with this Node. */
export function toolBin(packageName: string, bin: string): string {
  // Not require.resolve: some tools (publint) do not export their package.json.
  const manifestPath = join(ROOT, 'node_modules', packageName, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: Record<string, string> };
  return join(dirname(manifestPath), manifest.bin[bin]);
}

/** The short name of a package (`@crowd/density` → `density`), used for folder names. */
export const shortName = (name: string): string => name.replace(/^@crowd\//, '');
