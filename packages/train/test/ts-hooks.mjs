// Node module hooks that let worker threads started by tests run the TypeScript sources:
// `./x.js` falls back to `./x.ts` (NodeNext imports name the emitted file), and `.ts`
// files have their types stripped by oxc (through rolldown, which vite brings; the
// TypeScript compiler takes seconds to load in every thread). Registered by
// register-ts-hooks.mjs through vitest's `execArgv`, which worker threads inherit.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'rolldown/experimental';

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !specifier.endsWith('.js') || !/^(\.|file:)/.test(specifier)) throw error;
    return next(`${specifier.slice(0, -3)}.ts`, context);
  }
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const path = fileURLToPath(url);
  const { code, errors } = transformSync(path, await readFile(path, 'utf8'), { lang: 'ts', sourceType: 'module' });
  if (errors.length > 0) throw new Error(`${path}: ${errors.map((e) => e.message).join('; ')}`);
  return { format: 'module', source: code, shortCircuit: true };
}
