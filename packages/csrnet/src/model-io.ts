import * as tf from '@tensorflow/tfjs';
import { csrnetParameterSpecs } from './architecture.js';
import { resolveCsrnetConfig, type ResolvedCsrnetConfig } from './config.js';
import { CsrnetError } from './errors.js';
import { CsrnetModel } from './model.js';
import type { NamedTensors } from './named-tensors.js';
import { matchParameters } from './parameter-match.js';
import { sha256Hex } from './sha256.js';
import { weightBytesMismatch, weightSpecBytes } from './weight-specs.js';

/** `userDefinedMetadata.csrnet.format` of a saved CSRNet. */
export const CSRNET_TFJS_FORMAT = 'csrnet-tfjs';
/** `userDefinedMetadata.csrnet.version`; bumped on incompatible changes. */
export const CSRNET_TFJS_VERSION = 1;

/** What a saved model carries in `userDefinedMetadata.csrnet`. */
export interface CsrnetMetadata {
  format: typeof CSRNET_TFJS_FORMAT;
  version: typeof CSRNET_TFJS_VERSION;
  /** The architecture and input normalisation. */
  config: ResolvedCsrnetConfig;
  /** Conv weights are HWIO, as tfjs convolutions take them. */
  layout: 'HWIO';
  /** SHA-256 of all weight bytes, so that a weights file from another save is caught; absent where WebCrypto is. */
  weightsSha256?: string;
}

const HANDLER_HINT =
  'a tf.io.IOHandler (e.g. tf.io.http(url), tf.io.browserFiles(files)) or a URL with a registered tf.io handler (http(s)://, indexeddb://, localstorage://, downloads://; file:// after registerFileSystemRouter() from @crowd/csrnet/node; some bundlers drop the http(s):// router, so pass tf.io.http(url) there)';

function handlerFor(target: string | tf.io.IOHandler, purpose: 'save' | 'load'): tf.io.IOHandler {
  if (typeof target !== 'string') {
    if (typeof target?.[purpose] !== 'function') throw new CsrnetError('CONFIG_INVALID', undefined, `${purpose}: expected ${HANDLER_HINT}, got an object without ${purpose}()`);
    return target;
  }
  const handlers = purpose === 'save' ? tf.io.getSaveHandlers(target) : tf.io.getLoadHandlers(target);
  if (handlers.length === 0) throw new CsrnetError('CONFIG_INVALID', undefined, `${purpose}: expected ${HANDLER_HINT}, got ${JSON.stringify(target)}`);
  return handlers[0];
}

/**
 * Saves in the standard tfjs format (`model.json` + binary weights) through
 * any tf.io handler or URL: weights named as in the state_dict (conv weights
 * HWIO), and the config, input normalisation and a weights checksum in
 * `userDefinedMetadata.csrnet`. Load it back with {@link loadCsrnet}, in
 * Node or in a browser (`tf.io.http`).
 */
export async function saveCsrnet(model: CsrnetModel, destination: string | tf.io.IOHandler): Promise<tf.io.SaveResult> {
  const handler = handlerFor(destination, 'save');
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const arrays: Float32Array[] = [];
  for (const [name, variable] of model.parameters) {
    weightSpecs.push({ name, shape: [...variable.shape], dtype: 'float32' });
    arrays.push((await variable.data()) as Float32Array);
  }
  const weights = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    weights.set(a, offset);
    offset += a.length;
  }
  const bytes = new Uint8Array(weights.buffer);
  const weightsSha256 = await sha256Hex(bytes);
  const metadata: CsrnetMetadata = {
    format: CSRNET_TFJS_FORMAT,
    version: CSRNET_TFJS_VERSION,
    config: model.config,
    layout: 'HWIO',
    ...(weightsSha256 === undefined ? {} : { weightsSha256 }),
  };
  return handler.save!({
    format: CSRNET_TFJS_FORMAT,
    generatedBy: '@crowd/csrnet',
    // tf.io.browserFiles (and tfjs-node's file:// loader) refuse a model.json without a topology; the architecture is the config.
    modelTopology: { class_name: 'CSRNet', config: model.config as unknown as Record<string, unknown> },
    weightSpecs,
    weightData: weights.buffer,
    userDefinedMetadata: { csrnet: metadata as unknown as Record<string, unknown> },
  });
}

/** Options of {@link loadCsrnet}. */
export interface LoadCsrnetOptions {
  /** Names the model (its model.json path or URL) in error messages. @default the URL, when `source` is one */
  name?: string;
}

/**
 * Loads a model saved by {@link saveCsrnet}. Every inconsistency is a
 * `CsrnetError` saying what was expected and found: another format or
 * version, an invalid config, a malformed weight entry (a shape that is not
 * a list of whole numbers ≥ 0, a dtype other than float32), weights of the
 * wrong size (truncated, or from another save), a checksum mismatch
 * (corrupt, or weights from another save), tensors that do not fit the
 * config, or a NaN or infinite weight (`WEIGHTS_NOT_FINITE`).
 */
export async function loadCsrnet(source: string | tf.io.IOHandler, options: LoadCsrnetOptions = {}): Promise<CsrnetModel> {
  const handler = handlerFor(source, 'load');
  const file = options.name ?? (typeof source === 'string' ? source : undefined);
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await handler.load!();
  } catch (error) {
    if (error instanceof CsrnetError) throw error;
    throw new CsrnetError('WEIGHTS_FORMAT', file, `could not load the model: ${(error as Error).message}`, { cause: error });
  }
  const meta = (artifacts.userDefinedMetadata as { csrnet?: Partial<CsrnetMetadata> } | undefined)?.csrnet;
  if (meta?.format !== CSRNET_TFJS_FORMAT || meta.version !== CSRNET_TFJS_VERSION || meta.layout !== 'HWIO') {
    const found = meta === undefined ? 'no userDefinedMetadata.csrnet' : `${JSON.stringify(meta.format)} version ${JSON.stringify(meta.version)} layout ${JSON.stringify(meta.layout)}`;
    throw new CsrnetError('WEIGHTS_FORMAT', file, `expected a ${CSRNET_TFJS_FORMAT} version ${CSRNET_TFJS_VERSION} model (HWIO), found ${found}`);
  }
  let config: ResolvedCsrnetConfig;
  try {
    config = resolveCsrnetConfig(meta.config);
  } catch (error) {
    throw new CsrnetError('WEIGHTS_FORMAT', file, `invalid userDefinedMetadata.csrnet.config: ${(error as Error).message}`, { cause: error });
  }

  const specs = artifacts.weightSpecs ?? [];
  const expectedBytes = weightSpecBytes(specs, file, 'weightSpecs');
  const odd = specs.find((s) => s.dtype !== 'float32' || s.quantization !== undefined);
  if (odd !== undefined) throw new CsrnetError('WEIGHTS_FORMAT', file, `${odd.name}: expected unquantised float32, found ${odd.dtype}${odd.quantization ? ' (quantised)' : ''}`);
  const bytes = new Uint8Array(artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  if (bytes.length !== expectedBytes) throw new CsrnetError('WEIGHTS_FORMAT', file, weightBytesMismatch('the weight data', bytes.length, expectedBytes, specs.length));
  if (meta.weightsSha256 !== undefined) {
    const found = await sha256Hex(bytes);
    if (found !== undefined && found !== meta.weightsSha256) {
      throw new CsrnetError('WEIGHTS_FORMAT', file, `weights: expected sha256 ${meta.weightsSha256}, found ${found} (corrupt, or a weights file from another save)`);
    }
  }
  const tensors: NamedTensors = new Map();
  let offset = 0;
  for (const spec of specs) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    tensors.set(spec.name, { shape: [...spec.shape], data: new Float32Array(bytes.slice(offset, offset + 4 * n).buffer) });
    offset += 4 * n;
  }
  return new CsrnetModel(config, matchParameters(csrnetParameterSpecs(config), tensors, 'HWIO', file));
}
