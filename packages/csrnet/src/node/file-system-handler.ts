import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CsrnetError } from '../errors.js';
import { checkFileSize, formatCount, limitExceeded, resolveModelFileLimits, type ModelFileLimits } from '../limits.js';
import { weightBytesMismatch, weightSpecBytes } from '../weight-specs.js';

/** File names written by {@link fileSystemHandler}, the same as tfjs-node's `file://` handler. */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** Writes via a temp file in the same folder and a rename, so no reader ever sees a half-written file. */
async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function read(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new CsrnetError('WEIGHTS_FORMAT', path, `cannot read: ${(error as Error).message}`, { cause: error });
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    throw new CsrnetError('WEIGHTS_FORMAT', path, `cannot read: ${(error as Error).message}`, { cause: error });
  }
}

/** Options of {@link fileSystemHandler}. */
export interface FileSystemHandlerOptions {
  /** Size budgets for `load` (`maxJsonBytes`, `maxFileBytes`). @default MODEL_FILE_LIMITS */
  limits?: ModelFileLimits;
}

/**
 * A tf.io handler for a folder (or a `….json` path in it) on disk, as
 * tfjs-node's `file://` handler, which needs the native TensorFlow binding:
 *
 * - `save` writes `weights.bin` and then `model.json` (the standard tfjs
 *   layout, so the same folder loads in a browser through `tf.io.http`),
 *   each atomically (temp file + rename). `model.json` goes last, and a
 *   saved CSRNet records a weights checksum, so a reader that catches the
 *   two files from different saves gets an error rather than wrong weights.
 * - `load` reads them back; a missing, unparsable or truncated file is a
 *   `CsrnetError('WEIGHTS_FORMAT')` naming the file and what was expected.
 *   The manifest is checked before any weights are read — every shape,
 *   dtype and byte count, and the weight files' sizes against what it
 *   declares — and a file over `limits` is `LIMIT_EXCEEDED`.
 */
export function fileSystemHandler(path: string, options: FileSystemHandlerOptions = {}): tf.io.IOHandler {
  const limits = resolveModelFileLimits(options.limits);
  const jsonPath = path.endsWith('.json') ? path : join(path, MODEL_JSON);
  const dir = dirname(jsonPath);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new CsrnetError('CONFIG_INVALID', jsonPath, 'save: binary model topologies are not supported');
      const weights = new Uint8Array(artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData));
      const { weightSpecs = [], weightData: _weights, ...rest } = artifacts;
      const modelJson = { ...rest, weightsManifest: [{ paths: [WEIGHTS_BIN], weights: weightSpecs }] };
      const text = JSON.stringify(modelJson);
      await mkdir(dir, { recursive: true });
      await writeAtomically(join(dir, WEIGHTS_BIN), weights);
      await writeAtomically(jsonPath, text);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: artifacts.modelTopology === undefined ? 0 : JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(weightSpecs).length,
          weightDataBytes: weights.length,
        },
      };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonBytes = await sizeOf(jsonPath);
      if (jsonBytes > limits.maxJsonBytes) {
        throw limitExceeded(jsonPath, `model.json is ${formatCount(jsonBytes)} bytes`, 'maxJsonBytes', limits.maxJsonBytes, jsonBytes, 'A tfjs model.json lists only names and shapes (a few kB): this is not one, or it embeds its weights');
      }
      const text = (await read(jsonPath)).toString('utf8');
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(text) as tf.io.ModelJSON;
      } catch (error) {
        throw new CsrnetError('WEIGHTS_FORMAT', jsonPath, `expected tfjs model JSON, found unparsable text (${(error as Error).message})`, { cause: error });
      }
      if (typeof modelJson !== 'object' || modelJson === null || !Array.isArray(modelJson.weightsManifest)) {
        throw new CsrnetError('WEIGHTS_FORMAT', jsonPath, 'expected a tfjs model.json with a weightsManifest array');
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const files: string[] = [];
        let declared = 0;
        manifest.forEach((group, g) => {
          const label = `weightsManifest[${g}]`;
          if (typeof group !== 'object' || group === null || !Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string')) {
            throw new CsrnetError('WEIGHTS_FORMAT', jsonPath, `${label}: expected {paths: [file names], weights: [entries]}`);
          }
          declared += weightSpecBytes(group.weights, jsonPath, `${label}.weights`);
          specs.push(...group.weights);
          for (const p of group.paths) {
            // Weight files must sit beside model.json, as they do for tf.io.http.
            const file = join(dir, p);
            const inside = relative(dir, file);
            if (isAbsolute(p) || inside.startsWith('..') || isAbsolute(inside)) throw new CsrnetError('WEIGHTS_FORMAT', jsonPath, `weights path ${JSON.stringify(p)} leaves the model's folder`);
            files.push(file);
          }
        });
        // Sizes first: a weights file is never read unless it is exactly what the manifest declares.
        let found = 0;
        for (const file of files) found += await sizeOf(file);
        const names = files.map((file) => relative(dir, file)).join(' + ') || 'no weights file';
        checkFileSize(found, jsonPath, limits, `the weight files (${names}) are`);
        if (found !== declared) throw new CsrnetError('WEIGHTS_FORMAT', jsonPath, weightBytesMismatch(names, found, declared, specs.length));
        const data = new Uint8Array(declared);
        let filled = 0;
        for (const file of files) {
          const part = await read(file);
          // A file that changed size since stat() is caught here, not written past the buffer.
          if (filled + part.length > declared) throw new CsrnetError('WEIGHTS_FORMAT', jsonPath, weightBytesMismatch(names, filled + part.length, declared, specs.length));
          data.set(part, filled);
          filled += part.length;
        }
        if (filled !== declared) throw new CsrnetError('WEIGHTS_FORMAT', jsonPath, weightBytesMismatch(names, filled, declared, specs.length));
        return [specs, data.buffer];
      });
    },
  };
}

const stripScheme = (url: string | string[]): string | undefined => {
  const first = Array.isArray(url) ? url[0] : url;
  return typeof first === 'string' && first.startsWith('file://') ? first.slice('file://'.length) : undefined;
};

let routed = false;

/**
 * Registers {@link fileSystemHandler} for `file://` URLs with tf.io, so that
 * `saveCsrnet(model, 'file:///models/a')` and `loadCsrnet('file:///models/a')`
 * (or `…/model.json`) work in Node. As with tfjs-node, the rest of the URL is
 * taken literally as a path (`file://./out` is relative). Idempotent.
 */
export function registerFileSystemRouter(): void {
  if (routed) return;
  routed = true;
  // tf.io routers answer null for URLs they do not handle; tfjs's type omits that.
  const router = ((url: string | string[]) => {
    const path = stripScheme(url);
    return path === undefined ? null : fileSystemHandler(path);
  }) as Parameters<typeof tf.io.registerSaveRouter>[0];
  tf.io.registerSaveRouter(router);
  tf.io.registerLoadRouter(router);
}
