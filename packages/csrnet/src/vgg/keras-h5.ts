import { CsrnetError } from '../errors.js';
import { checkFileSize, formatCount, limitExceeded, resolveModelFileLimits, type ModelFileLimits } from '../limits.js';
import type { NamedTensor, NamedTensors } from '../named-tensors.js';
import { describeUnexpectedFile, HDF5_SIGNATURE, sniffCheckpoint, startsWith } from '../torch/sniff.js';
import { assembleFrontend, VGG16_FRONTEND_LAYERS, type ImportedConv } from './frontend-layers.js';

type H5 = typeof import('h5wasm');
type Group = InstanceType<H5['Group']>;

let openedFiles = 0;

/** The optional peer dependency that reads HDF5; a variable, so bundlers and tsc never require it to be installed. */
const H5WASM_MODULE = 'h5wasm';

/** h5wasm, or a `DEPENDENCY_MISSING` error that says what to install. */
async function loadH5wasm(source: string | undefined): Promise<H5> {
  try {
    return (await import(/* @vite-ignore */ H5WASM_MODULE)) as H5;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Node says ERR_MODULE_NOT_FOUND; a browser, "Failed to resolve module specifier".
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND' && !/resolve module specifier/i.test(message)) throw error;
    throw new CsrnetError(
      'DEPENDENCY_MISSING',
      source,
      `reading Keras HDF5 weights needs h5wasm, an optional peer dependency of @crowd/csrnet that is not installed: npm i h5wasm@^0.10.3 (${message.split('\n')[0]})`,
      { cause: error },
    );
  }
}

/**
 * CSRNet's front end from Keras's ImageNet VGG-16
 * (`vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5`, or any Keras 2 save
 * of that model): layer groups `block1_conv1` … `block4_conv3`, each listing
 * its kernel and bias in a `weight_names` attribute — Keras 1 names
 * (`block1_conv1_W_1:0`) or Keras 2 names (`block1_conv1/kernel:0`) — and
 * whole-model saves that nest the groups under `/model_weights`.
 *
 * Kernels are HWIO [3, 3, in, out] and become OIHW. These weights come from
 * the original caffe VGG-16, trained on **BGR** images with the per-channel
 * mean subtracted and no scaling; conv1_1's input channels are reversed here
 * so an RGB pipeline feeds each channel to the right filters. The input
 * scaling still differs from torchvision's (pixel - mean in 0-255 units, not
 * (pixel/255 - mean) / std), so these weights are not a drop-in replacement
 * for torchvision's under torchvision's normalisation.
 *
 * h5wasm (about 4 MB of WebAssembly) is an optional peer dependency, loaded
 * on first use only (a `DEPENDENCY_MISSING` error says what to install). Each
 * dataset's size is checked before it is read: all of them together may
 * hold at most as many values as the file has room for (4 bytes each) plus
 * `limits.maxExtraElements`, so a compressed dataset cannot inflate without
 * bound; NaN or infinite weights are a `WEIGHTS_NOT_FINITE` error.
 */
export async function vggFrontendFromKerasH5(bytes: Uint8Array, source?: string, limits: ModelFileLimits = {}): Promise<NamedTensors> {
  const resolved = resolveModelFileLimits(limits);
  checkFileSize(bytes.length, source, resolved);
  if (!startsWith(bytes, HDF5_SIGNATURE)) {
    const sniffed = sniffCheckpoint(bytes);
    const what =
      'kind' in sniffed
        ? 'this is a PyTorch checkpoint, not Keras HDF5 weights; read it with readTorchCheckpoint and vggFrontendFromTorchvision'
        : describeUnexpectedFile(bytes, 'a Keras HDF5 weights file');
    throw new CsrnetError('WEIGHTS_FORMAT', source, what);
  }
  const h5 = await loadH5wasm(source);
  const module = await h5.ready;
  const path = `/csrnet-keras-${++openedFiles}.h5`;
  // HDF5 prints its error stack by default; this makes a bad file one catchable error.
  // The handler is process-global, so it is switched back off before returning.
  module.activate_throwing_error_handler();
  let written = false;
  let file: InstanceType<H5['File']> | undefined;
  const damaged = (error: unknown): CsrnetError => {
    if (error instanceof CsrnetError) return error;
    // A trap inside HDF5's wasm: the file is damaged, and HDF5's own memory may be too.
    const crashed = error instanceof WebAssembly.RuntimeError ? '; HDF5 crashed on it, so restart the program before reading other .h5 files' : '';
    return new CsrnetError('WEIGHTS_FORMAT', source, `HDF5 could not read the file: ${hdf5Reason(error)} — is it truncated or damaged?${crashed}`, { cause: error });
  };
  try {
    module.FS.writeFile(path, bytes);
    written = true;
    file = new h5.File(path, 'r');
    const weights = file.get('model_weights');
    const root = weights instanceof h5.Group ? weights : file;
    const budget: ElementBudget = { stored: Math.floor(bytes.length / 4), allowed: Math.floor(bytes.length / 4) + resolved.maxExtraElements, used: 0, extra: resolved.maxExtraElements };
    const convs = VGG16_FRONTEND_LAYERS.map(({ kerasName, vggName }, i) => readConv(h5, root, kerasName, vggName, i === 0, budget, source));
    const frontend = assembleFrontend(convs, source);
    // Closing a damaged file can fail too (found by fuzzing: a wasm trap in close_file), which is the file's fault.
    const opened = file;
    file = undefined;
    opened.close();
    return frontend;
  } catch (error) {
    closeQuietly(file);
    throw damaged(error);
  } finally {
    if (written) module.FS.unlink(path);
    module.deactivate_throwing_error_handler();
  }
}

/** Closes after an error, which is already being reported: a second failure adds nothing. */
function closeQuietly(file: { close(): unknown } | undefined): void {
  try {
    file?.close();
  } catch {
    // The first error names the problem.
  }
}

/** float32 values read so far against what the file may yield. */
interface ElementBudget {
  stored: number;
  allowed: number;
  used: number;
  extra: number;
}

function readConv(h5: H5, root: Group, layer: string, vggName: string, bgrInput: boolean, budget: ElementBudget, source: string | undefined): ImportedConv {
  const group = root.get(layer);
  if (!(group instanceof h5.Group)) {
    throw new CsrnetError('WEIGHTS_MISMATCH', source, `expected a layer group ${layer} (VGG-16 ${vggName}); ${layerListing(root)}`);
  }
  const names = group.attrs.weight_names?.value;
  if (!Array.isArray(names) || names.length !== 2 || !names.every((name) => typeof name === 'string')) {
    throw new CsrnetError('WEIGHTS_FORMAT', source, `layer ${layer} should list its kernel and bias in a weight_names attribute; found ${JSON.stringify(names ?? null)}`);
  }
  const [kernel, bias] = (names as string[]).map((name) => readFloats(h5, group, name, layer, budget, source)).sort((a, b) => b.shape.length - a.shape.length);
  if (kernel.shape.length !== 4 || bias.shape.length !== 1 || kernel.shape[0] !== 3 || kernel.shape[1] !== 3) {
    throw new CsrnetError(
      'WEIGHTS_MISMATCH',
      source,
      `layer ${layer} should hold a [3, 3, in, out] kernel (TensorFlow dim ordering) and a bias; found [${kernel.shape.join(', ')}] and [${bias.shape.join(', ')}]` +
        (kernel.shape[2] === 3 && kernel.shape[3] === 3 ? ' — the Theano-ordered file (…_th_dim_ordering_…) has [out, in, 3, 3]; use the _tf_dim_ordering_ one' : ''),
    );
  }
  return { sourceName: layer, weight: hwioToOihw(kernel, bgrInput), bias };
}

function readFloats(h5: H5, group: Group, name: string, layer: string, budget: ElementBudget, source: string | undefined): NamedTensor {
  const dataset = group.get(name);
  if (dataset instanceof h5.Dataset) {
    // Checked before `.value`, which would allocate whatever the header declares.
    const shape = dataset.shape ?? [];
    budget.used += shape.reduce((a, b) => a * b, 1);
    if (!(budget.used <= budget.allowed)) {
      throw limitExceeded(
        source,
        `layer ${layer}'s ${name} has shape [${shape.join(', ')}]: with the weights before it, ${formatCount(budget.used)} values, more than the ${formatCount(budget.stored)} this file has room for`,
        'maxExtraElements',
        budget.extra,
        budget.used - budget.stored,
      );
    }
  }
  const value = dataset instanceof h5.Dataset ? dataset.value : undefined;
  if (!(value instanceof Float32Array || value instanceof Float64Array)) {
    throw new CsrnetError('WEIGHTS_FORMAT', source, `layer ${layer} lists weight ${name}, but the file has no float dataset by that name`);
  }
  return { shape: (dataset as InstanceType<H5['Dataset']>).shape ?? [], data: value instanceof Float32Array ? value : Float32Array.from(value) };
}

/** [kh, kw, in, out] → [out, in, kh, kw]; `reverseInputs` turns conv1_1's BGR input channels into RGB. */
function hwioToOihw(kernel: NamedTensor, reverseInputs: boolean): NamedTensor {
  const [kh, kw, inputs, outputs] = kernel.shape;
  const data = new Float32Array(kernel.data.length);
  for (let o = 0; o < outputs; o++) {
    for (let i = 0; i < inputs; i++) {
      const from = reverseInputs ? inputs - 1 - i : i;
      for (let h = 0; h < kh; h++) {
        for (let w = 0; w < kw; w++) data[((o * inputs + i) * kh + h) * kw + w] = kernel.data[((h * kw + w) * inputs + from) * outputs + o];
      }
    }
  }
  return { shape: [outputs, inputs, kh, kw], data };
}

function layerListing(root: Group): string {
  const names = root.attrs.layer_names?.value;
  const layers = Array.isArray(names) ? names.map(String) : root.keys();
  if (layers.includes('layers') && !layers.some((name) => name.startsWith('block'))) {
    return 'this looks like a Keras 3 ".weights.h5" file, whose layout (layers/<name>/vars/<n>) is not supported; save with Keras 2 or use the keras-applications file';
  }
  return `the file has layers ${layers.slice(0, 8).join(', ') || '(none)'}${layers.length > 8 ? ', …' : ''} — is it VGG-16?`;
}

/** The innermost frame of an HDF5 error stack ("truncated file: eof = …"), or the message itself. */
function hdf5Reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const frames = [...message.matchAll(/#\d+: .* in [\w:]+\(\): (.*)$/gm)];
  return (frames.length > 0 ? frames[frames.length - 1][1] : message).trim();
}
