import { CsrnetError } from '../errors.js';
import type { NamedTensor, NamedTensors } from '../named-tensors.js';
import { describeUnexpectedFile, HDF5_SIGNATURE, sniffCheckpoint, startsWith } from '../torch/sniff.js';
import { assembleFrontend, VGG16_FRONTEND_LAYERS, type ImportedConv } from './frontend-layers.js';

type H5 = typeof import('h5wasm');
type Group = InstanceType<H5['Group']>;

let openedFiles = 0;

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
 * h5wasm (about 4 MB of WebAssembly) is loaded on first use only.
 */
export async function vggFrontendFromKerasH5(bytes: Uint8Array, source?: string): Promise<NamedTensors> {
  if (!startsWith(bytes, HDF5_SIGNATURE)) {
    const sniffed = sniffCheckpoint(bytes);
    const what =
      'kind' in sniffed
        ? 'this is a PyTorch checkpoint, not Keras HDF5 weights; read it with readTorchCheckpoint and vggFrontendFromTorchvision'
        : describeUnexpectedFile(bytes, 'a Keras HDF5 weights file');
    throw new CsrnetError('WEIGHTS_FORMAT', source, what);
  }
  const h5 = await import('h5wasm');
  const module = await h5.ready;
  const path = `/csrnet-keras-${++openedFiles}.h5`;
  // HDF5 prints its error stack by default; this makes a bad file one catchable error.
  // The handler is process-global, so it is switched back off before returning.
  module.activate_throwing_error_handler();
  let written = false;
  let file: InstanceType<H5['File']> | undefined;
  try {
    module.FS.writeFile(path, bytes);
    written = true;
    file = new h5.File(path, 'r');
    const weights = file.get('model_weights');
    const root = weights instanceof h5.Group ? weights : file;
    const convs = VGG16_FRONTEND_LAYERS.map(({ kerasName, vggName }, i) => readConv(h5, root, kerasName, vggName, i === 0, source));
    return assembleFrontend(convs, source);
  } catch (error) {
    if (error instanceof CsrnetError) throw error;
    throw new CsrnetError('WEIGHTS_FORMAT', source, `HDF5 could not read the file: ${hdf5Reason(error)} — is it truncated or damaged?`, { cause: error });
  } finally {
    try {
      file?.close();
    } finally {
      if (written) module.FS.unlink(path);
      module.deactivate_throwing_error_handler();
    }
  }
}

function readConv(h5: H5, root: Group, layer: string, vggName: string, bgrInput: boolean, source: string | undefined): ImportedConv {
  const group = root.get(layer);
  if (!(group instanceof h5.Group)) {
    throw new CsrnetError('WEIGHTS_MISMATCH', source, `expected a layer group ${layer} (VGG-16 ${vggName}); ${layerListing(root)}`);
  }
  const names = group.attrs.weight_names?.value;
  if (!Array.isArray(names) || names.length !== 2 || !names.every((name) => typeof name === 'string')) {
    throw new CsrnetError('WEIGHTS_FORMAT', source, `layer ${layer} should list its kernel and bias in a weight_names attribute; found ${JSON.stringify(names ?? null)}`);
  }
  const [kernel, bias] = (names as string[]).map((name) => readFloats(h5, group, name, layer, source)).sort((a, b) => b.shape.length - a.shape.length);
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

function readFloats(h5: H5, group: Group, name: string, layer: string, source: string | undefined): NamedTensor {
  const dataset = group.get(name);
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
