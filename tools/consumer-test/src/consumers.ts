import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { build, preview, type Plugin, type PreviewServer } from 'vite';
import { CHROMIUM_ARGS, requireChromium } from '../../../apps/web/test/serve-app.ts';
import { exampleVariants } from './example-variants.ts';
import { describeFailure, killRunning, mustRun, runCommand, timed, type CommandResult } from './steps.ts';
import type { Unpacked } from './tarball-checks.ts';
import { publishedPackages, ROOT, shortName, TFJS_LOWEST, TFJS_RANGE, toolBin, type Manifest, type PublishedPackage } from './workspace.ts';

/** The TypeScript module resolutions a consumer may use, and the files each type-checks. */
export const MODULE_RESOLUTIONS = ['node10', 'node16', 'nodenext', 'bundler'] as const;
export type ModuleResolution = (typeof MODULE_RESOLUTIONS)[number];

export interface Project {
  name: string;
  dir: string;
  /** Every installed package: name → versions (nested copies included). */
  installed: Map<string, string[]>;
}

/** What a browser page printed for one program, between the page's markers. */
export interface PageOutput {
  log: string[];
  errors: string[];
}

const NPM_INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'];
const MINUTES = 60_000;

/**
 * Throwaway consumer projects in one temporary folder outside the
 * workspace: the packed tarballs, their unpacked contents, npm projects that
 * install them, and what runs there. Each step runs once, on first use, and
 * is timed; `dispose()` kills what still runs and deletes the folder.
 */
export class Consumers {
  readonly packages: PublishedPackage[] = publishedPackages();
  readonly temp = mkdtempSync(join(isolatedTempBase(), 'crowd-consumer-'));
  private readonly steps = new Map<string, Promise<unknown>>();
  private browser: BrowserContext | undefined;
  private server: PreviewServer | undefined;

  /** CPU-bound commands (attw, tsc, examples) two at a time, the machine's cores; npm installs wait on I/O and run beside them. */
  private readonly cpu = limiter(2);

  /** `work` once per key; later calls get the same promise. */
  private once<T>(key: string, work: () => Promise<T>): Promise<T> {
    if (!this.steps.has(key)) {
      const started = work();
      // Often started ahead of the test that awaits it: a failure is that test's, not an unhandled rejection.
      started.catch(() => {});
      this.steps.set(key, started);
    }
    return this.steps.get(key) as Promise<T>;
  }

  /** A timed CPU-bound step: the clock starts when it gets a core. */
  private cpuStep<T>(step: string, work: () => Promise<T>): Promise<T> {
    return this.cpu(() => timed(step, work));
  }

  /**
   * Starts every step in the background, so installs overlap attw and the
   * type checks; each test then awaits the step it asserts on.
   */
  start(): void {
    void this.tarballs()
      .then((tarballs) => {
        for (const { tarball } of tarballs.values()) {
          void this.publint(tarball);
          void this.attw(tarball);
        }
      })
      .catch(() => {});
    void this.densityOnly();
    void this.csrnetOnly();
    void this.everything()
      .then(() => MODULE_RESOLUTIONS.forEach((resolution) => void this.typecheck(resolution)))
      .catch(() => {});
  }

  /** The workspace's version of each published package. */
  get versions(): Map<string, string> {
    return new Map(this.packages.map((pkg) => [pkg.name, pkg.manifest.version]));
  }

  /** `npm run build`, then `npm pack` of every published package (its prepack rebuilds what is stale), unpacked. */
  tarballs(): Promise<Map<string, Unpacked & { tarball: string }>> {
    return this.once('tarballs', async () => {
      await timed('npm run build', () => mustRun(process.execPath, [join(ROOT, 'tools', 'build.mjs')], { cwd: ROOT, timeoutMs: 10 * MINUTES }));
      const destination = join(this.temp, 'tarballs');
      mkdirSync(destination);
      const workspaces = this.packages.flatMap((pkg) => ['--workspace', pkg.name]);
      const pack = ['pack', '--json', '--pack-destination', destination, ...workspaces];
      const packed = await timed('npm pack (prepack: build.mjs)', () => mustRun('npm', pack, { cwd: ROOT, timeoutMs: 10 * MINUTES }));
      const reports = JSON.parse(packed.stdout) as { name: string; filename: string; files: { path: string }[]; size: number; unpackedSize: number }[];
      const result = new Map<string, Unpacked & { tarball: string }>();
      for (const report of reports) {
        const pkg = this.packages.find((candidate) => candidate.name === report.name);
        if (pkg === undefined) throw new Error(`npm pack packed ${report.name}, which is not a published workspace package`);
        const tarball = join(destination, report.filename);
        const into = join(this.temp, 'unpacked', shortName(pkg.name));
        mkdirSync(into, { recursive: true });
        await mustRun('tar', ['-xzf', tarball, '-C', into], { cwd: this.temp });
        const dir = join(into, 'package');
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
        result.set(pkg.name, { pkg, dir, files: report.files.map((file) => file.path), manifest, tarball });
        console.log(`[consumer] packed ${report.filename}: ${report.files.length} files, ${(report.size / 1024).toFixed(0)} kB (${(report.unpackedSize / 1024).toFixed(0)} kB unpacked)`);
      }
      return result;
    });
  }

  /** `publint --strict` on a tarball. */
  publint(tarball: string): Promise<CommandResult> {
    return this.once(`publint ${tarball}`, () =>
      this.cpuStep(`publint ${basename(tarball)}`, () => runCommand(process.execPath, [toolBin('publint', 'publint'), 'run', tarball, '--strict'], { cwd: this.temp, timeoutMs: 5 * MINUTES })),
    );
  }

  /** `attw` (the strict profile: every resolution mode, no rule ignored) on a tarball, as JSON. */
  attw(tarball: string): Promise<CommandResult> {
    return this.once(`attw ${tarball}`, () =>
      this.cpuStep(`attw ${basename(tarball)}`, () => runCommand(process.execPath, [toolBin('@arethetypeswrong/cli', 'attw'), tarball, '--format', 'json'], { cwd: this.temp, timeoutMs: 5 * MINUTES })),
    );
  }

  /** @crowd/density alone. */
  densityOnly(): Promise<Project> {
    return this.project('density-only', ['@crowd/density']);
  }

  /** @crowd/csrnet alone (npm adds its required peer, @tensorflow/tfjs). */
  csrnetOnly(): Promise<Project> {
    return this.project('csrnet-only', ['@crowd/csrnet']);
  }

  /**
   * A project that installs these tarballs (and `extra` registry packages)
   * with npm from its cache, as a user's project would.
   */
  project(name: string, tarballNames: string[], extra: Record<string, string> = {}): Promise<Project> {
    return this.once(`project ${name}`, async () => {
      const tarballs = await this.tarballs();
      const dir = join(this.temp, name);
      mkdirSync(dir);
      const dependencies = Object.fromEntries(tarballNames.map((pkg) => [pkg, `file:${relative(dir, tarballs.get(pkg)!.tarball)}`]));
      writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module', dependencies: { ...dependencies, ...extra } }, null, 2)}\n`);
      await timed(`npm install in project "${name}"`, () => mustRun('npm', NPM_INSTALL, { cwd: dir, timeoutMs: 10 * MINUTES }));
      const installed = installedPackages(dir);
      const notable = [...installed].filter(([pkg]) => /^(@crowd|@tensorflow)\/|^(h5wasm|sharp|onnxruntime-node|bullmq)$/.test(pkg));
      console.log(
        `[consumer] ${name}: ${installed.size} packages installed, among them ${notable.map(([pkg, versions]) => `${pkg}@${versions.join('+')}`).join(', ')}`,
      );
      return { name, dir, installed };
    });
  }

  /** `npm ls --all` in a project: exits non-zero on a missing or invalid dependency or peer. */
  npmLs(project: Project): Promise<CommandResult> {
    return runCommand('npm', ['ls', '--all'], { cwd: project.dir, timeoutMs: 5 * MINUTES });
  }

  /** Runs a Node script of the project (`file` relative to it), first writing `code` there when given. */
  node(project: Project, file: string, code?: string): Promise<CommandResult> {
    const path = join(project.dir, file);
    if (code !== undefined) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, code);
    }
    return this.cpuStep(`node ${project.name}/${file}`, () => runCommand(process.execPath, [path], { cwd: project.dir, timeoutMs: 5 * MINUTES }));
  }

  /**
   * The stable versions of @tensorflow/tfjs in our peer range, from npm's
   * cached metadata (`--prefer-offline`: no request while the cache has it).
   */
  tfjsVersions(): Promise<string[]> {
    return this.once('tfjs versions', async () => {
      const view = await timed('npm view @tensorflow/tfjs versions', () => mustRun('npm', ['view', '@tensorflow/tfjs', 'versions', '--json', '--prefer-offline'], { cwd: this.temp, timeoutMs: 2 * MINUTES }));
      const [major, minor, patch] = TFJS_RANGE.slice(1).split('.').map(Number);
      return (JSON.parse(view.stdout) as string[]).filter((version) => {
        const parts = /^(\d+)\.(\d+)\.(\d+)$/.exec(version)?.slice(1).map(Number);
        return parts !== undefined && parts[0] === major && (parts[1] > minor || (parts[1] === minor && parts[2] >= patch));
      });
    });
  }

  /**
   * The everything project: every tarball, tfjs at the lowest version of its
   * range, the wasm backend (the csrnet example uses it) and Node's types;
   * the README examples and entry-point probes written out in each form.
   */
  everything(): Promise<Project> {
    return this.once('examples', async () => {
      const project = await this.project('all', this.packages.map((pkg) => pkg.name), {
        '@tensorflow/tfjs': TFJS_LOWEST,
        '@tensorflow/tfjs-backend-wasm': TFJS_LOWEST,
        '@types/node': '^20.19.0',
      });
      // The datasets example reads ../../tools/fixtures/… from its own folder.
      mkdirSync(join(project.dir, 'tools'));
      symlinkSync(join(ROOT, 'tools', 'fixtures'), join(project.dir, 'tools', 'fixtures'));
      for (const pkg of this.packages) writeProbes(project.dir, pkg);
      for (const resolution of MODULE_RESOLUTIONS) writeTsconfig(project.dir, resolution);
      return project;
    });
  }

  /**
   * Type-checks every example and entry-point probe under one module
   * resolution, with our packages' declarations (see typecheck-project.mjs).
   */
  typecheck(resolution: ModuleResolution): Promise<{ diagnostics: string[]; declarations: number }> {
    return this.once(`typecheck ${resolution}`, async () => {
      const project = await this.everything();
      const script = fileURLToPath(new URL('typecheck-project.mjs', import.meta.url));
      const result = await this.cpuStep(`tsc --noEmit, moduleResolution ${resolution}`, () =>
        runCommand(process.execPath, [script, join(project.dir, `tsconfig.${resolution}.json`)], { cwd: project.dir, timeoutMs: 5 * MINUTES }),
      );
      if (result.code !== 0) throw new Error(describeFailure(result));
      return JSON.parse(result.stdout) as { diagnostics: string[]; declarations: number };
    });
  }

  /**
   * Bundles the programs with Vite (browser conditions, minified) from the
   * project, serves the build and runs it in Chromium. Also returns every
   * module file the bundle was built from.
   */
  browserRun(programs: { name: string; code: string }[]): Promise<{ pages: Map<string, PageOutput>; modules: string[]; project: Project }> {
    return this.once('browser', async () => {
      const project = await this.everything();
      return this.cpuStep('Vite bundle in Chromium', () => this.runInChromium(project, programs));
    });
  }

  private async runInChromium(project: Project, programs: { name: string; code: string }[]): Promise<{ pages: Map<string, PageOutput>; modules: string[]; project: Project }> {
    const web = join(project.dir, 'web');
    mkdirSync(join(web, 'programs'), { recursive: true });
    for (const { name, code } of programs) writeFileSync(join(web, 'programs', `${shortName(name)}.ts`), code);
    const runs = programs.map(({ name }) => `  [${JSON.stringify(name)}, () => import('./programs/${shortName(name)}.ts')],`).join('\n');
    writeFileSync(
      join(web, 'main.ts'),
      `const programs: [string, () => Promise<unknown>][] = [\n${runs}\n];\nfor (const [name, run] of programs) {\n  console.log('<<' + name + '>>');\n  try {\n    await run();\n  } catch (error) {\n    console.error(error instanceof Error ? error.stack ?? error.message : String(error));\n  }\n}\nconsole.log('<<done>>');\n`,
    );
    writeFileSync(join(web, 'index.html'), '<!doctype html>\n<meta charset="utf-8">\n<title>consumer</title>\n<link rel="icon" href="data:,">\n<script type="module" src="./main.ts"></script>\n');
    const modules: string[] = [];
    const record: Plugin = { name: 'record-modules', load: (id) => void modules.push(id) };
    const outDir = join(web, 'dist');
    await build({ root: web, configFile: false, logLevel: 'warn', plugins: [record], build: { outDir, target: 'es2022', chunkSizeWarningLimit: 5000 } });
    this.server = await preview({ root: web, configFile: false, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, open: false } });
    const url = this.server.resolvedUrls?.local[0];
    if (url === undefined) throw new Error('vite preview reported no URL');
    this.browser = await chromium.launchPersistentContext(join(this.temp, 'chromium-profile'), { executablePath: requireChromium(), headless: true, args: CHROMIUM_ARGS });
    const page = this.browser.pages()[0] ?? (await this.browser.newPage());
    const lines: { type: string; text: string }[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the page did not finish in 3 minutes; it printed:\n${lines.map((line) => line.text).join('\n')}`)), 3 * MINUTES).unref();
      page.on('pageerror', (error) => lines.push({ type: 'error', text: error.message }));
      page.on('console', (message) => {
        lines.push({ type: message.type(), text: message.text() });
        if (message.text() === '<<done>>') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    done.catch(() => {}); // awaited below, unless goto fails first
    await page.goto(url);
    await done;
    const pages = new Map<string, PageOutput>();
    let current: PageOutput | undefined;
    for (const { type, text } of lines) {
      const marker = /^<<(.+)>>$/.exec(text)?.[1];
      if (marker !== undefined) pages.set(marker, (current = { log: [], errors: [] }));
      else if (current !== undefined && type === 'log') current.log.push(text);
      else if (current !== undefined && type === 'error') current.errors.push(text);
    }
    await this.closeBrowser();
    return { pages, modules: modules.filter((id) => !id.startsWith('\0')), project };
  }

  private async closeBrowser(): Promise<void> {
    await this.browser?.close();
    this.browser = undefined;
    await this.server?.close();
    this.server = undefined;
  }

  /** Stops whatever still runs and deletes the temporary folder. */
  async dispose(): Promise<void> {
    killRunning();
    await Promise.allSettled(this.steps.values());
    await this.closeBrowser().catch(() => {});
    rmSync(this.temp, { recursive: true, force: true });
  }
}

/**
 * os.tmpdir(), unless a node_modules folder sits in it or above it: Node,
 * TypeScript and Vite would find packages there that the consumer project
 * lacks (a stray /tmp/node_modules would hide a missing dependency). Then
 * the first clean one of /var/tmp and the home folder.
 */
export function isolatedTempBase(): string {
  const blocker = (dir: string): string | undefined => {
    for (let at = resolve(dir); ; at = dirname(at)) {
      if (existsSync(join(at, 'node_modules'))) return join(at, 'node_modules');
      if (dirname(at) === at) return undefined;
    }
  };
  const candidates = [tmpdir(), '/var/tmp', homedir()];
  for (const candidate of candidates) {
    const found = existsSync(candidate) ? blocker(candidate) : 'missing';
    if (found === undefined) return candidate;
    console.log(`[consumer] not using ${candidate} for the throwaway projects: ${found === 'missing' ? 'it does not exist' : `${found} would leak packages into them`}`);
  }
  throw new Error(`every candidate folder for the throwaway projects (${candidates.join(', ')}) has a node_modules folder in it or above it; set TMPDIR to a clean one`);
}

/** Every package under a project's node_modules (nested ones too): name → versions. */
export function installedPackages(projectDir: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const visit = (modules: string) => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const dirs = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((name) => join(modules, entry, name)) : [join(modules, entry)];
      for (const dir of dirs) {
        const manifest = join(dir, 'package.json');
        if (!existsSync(manifest)) continue;
        const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; version: string };
        found.set(name, [...(found.get(name) ?? []), version]);
        visit(join(dir, 'node_modules'));
      }
    }
  };
  visit(join(projectDir, 'node_modules'));
  return found;
}

/** A wrapper that lets at most `limit` calls run at once; the others wait their turn. */
function limiter(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    while (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await work();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}

/**
 * examples/<package>/: the README example as ESM and CommonJS (TypeScript
 * and plain JavaScript), and probes that import and require every entry point.
 */
function writeProbes(projectDir: string, pkg: PublishedPackage): void {
  const dir = join(projectDir, 'examples', shortName(pkg.name));
  mkdirSync(dir, { recursive: true });
  if (pkg.example !== undefined) {
    const variants = exampleVariants(pkg.example.code);
    writeFileSync(join(dir, 'esm.ts'), variants.esmTs);
    writeFileSync(join(dir, 'cjs.cts'), variants.cjsTs);
    writeFileSync(join(dir, 'esm.mjs'), variants.esmJs);
    writeFileSync(join(dir, 'cjs.cjs'), variants.cjsJs);
  }
  const specifiers = JSON.stringify(pkg.entryPoints);
  const namespaces = pkg.entryPoints.map((spec, i) => `import * as entry${i} from '${spec}';`).join('\n');
  const list = `export const entryPoints = [${pkg.entryPoints.map((_, i) => `entry${i}`).join(', ')}];\n`;
  writeFileSync(join(dir, 'entries.ts'), `${namespaces}\n${list}`);
  writeFileSync(join(dir, 'entries.cts'), `${namespaces}\n${list}`);
  writeFileSync(
    join(dir, 'entries.mjs'),
    `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nconst out = {};\nfor (const spec of ${specifiers}) {\n  const namespace = await import(spec);\n  const required = require(spec);\n  out[spec] = { keys: Object.keys(namespace).sort(), same: namespace === required };\n}\nconsole.log(JSON.stringify(out));\n`,
  );
  writeFileSync(join(dir, 'entries.cjs'), `const out = {};\nfor (const spec of ${specifiers}) out[spec] = Object.keys(require(spec)).sort();\nconsole.log(JSON.stringify(out));\n`);
}

/**
 * tsconfig.<resolution>.json: strict, declarations checked too, types from
 * the project's node_modules/@types only. node10 is CommonJS (what that setting is used
 * with); node16 and nodenext check both an ES module and a CommonJS one;
 * bundler an ES module with the DOM's types.
 */
function writeTsconfig(projectDir: string, resolution: ModuleResolution): void {
  const esm = ['examples/*/esm.ts', 'examples/*/entries.ts'];
  const cjs = ['examples/*/cjs.cts', 'examples/*/entries.cts'];
  const settings: Record<ModuleResolution, { module: string; lib: string[]; include: string[] }> = {
    node10: { module: 'commonjs', lib: ['ES2022'], include: cjs },
    node16: { module: 'node16', lib: ['ES2022'], include: [...esm, ...cjs] },
    nodenext: { module: 'nodenext', lib: ['ES2022'], include: [...esm, ...cjs] },
    bundler: { module: 'esnext', lib: ['ES2022', 'DOM'], include: esm },
  };
  const { module, lib, include } = settings[resolution];
  const config = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 'ES2022',
      module,
      moduleResolution: resolution,
      lib,
      typeRoots: ['./node_modules/@types'],
      skipLibCheck: false,
      esModuleInterop: true,
    },
    include,
  };
  writeFileSync(join(projectDir, `tsconfig.${resolution}.json`), `${JSON.stringify(config, null, 2)}\n`);
}

