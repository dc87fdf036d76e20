import { CSRNET_VARIANT_DILATIONS, type ResolvedCsrnetConfig } from './config.js';

/** A convolution: 'same' padding (= dilation for 3×3), stride 1, bias, then ReLU unless it is the head. */
export interface ConvLayer {
  kind: 'conv';
  /** The state_dict prefix: `frontend.0`, `backend.10`, `output_layer`. */
  name: string;
  inChannels: number;
  outChannels: number;
  kernelSize: number;
  dilation: number;
  relu: boolean;
}

/** A 2×2 max-pool with stride 2 that floors odd sizes, as PyTorch's `MaxPool2d(2, 2)`. */
export interface PoolLayer {
  kind: 'pool';
}

export type Layer = ConvLayer | PoolLayer;

/** A parameter's state_dict name and its shape in PyTorch's layout (OIHW for conv weights). */
export interface ParameterSpec {
  name: string;
  shape: number[];
}

/**
 * The network as data, in execution order. Names follow the reference's
 * `nn.Sequential` indices, where every conv is followed by a ReLU module and
 * a pool takes one index: the front end's convs are 0, 2, 5, 7, 10, …, 21.
 */
export function csrnetLayers(config: ResolvedCsrnetConfig): Layer[] {
  const layers: Layer[] = [];
  let channels = 3;
  let index = 0;
  for (const item of config.frontend) {
    if (item === 'M') {
      layers.push({ kind: 'pool' });
      index += 1;
      continue;
    }
    const out = item / config.widthDivisor;
    layers.push({ kind: 'conv', name: `frontend.${index}`, inChannels: channels, outChannels: out, kernelSize: 3, dilation: 1, relu: true });
    channels = out;
    index += 2;
  }
  const dilations = CSRNET_VARIANT_DILATIONS[config.variant];
  config.backend.forEach((item, i) => {
    const out = item / config.widthDivisor;
    // A, B and D use one dilation throughout, so any back-end length works for them.
    const dilation = dilations[Math.min(i, dilations.length - 1)];
    layers.push({ kind: 'conv', name: `backend.${2 * i}`, inChannels: channels, outChannels: out, kernelSize: 3, dilation, relu: true });
    channels = out;
  });
  layers.push({ kind: 'conv', name: 'output_layer', inChannels: channels, outChannels: 1, kernelSize: 1, dilation: 1, relu: false });
  return layers;
}

/** The conv layers only. */
export function csrnetConvs(config: ResolvedCsrnetConfig): ConvLayer[] {
  return csrnetLayers(config).filter((l): l is ConvLayer => l.kind === 'conv');
}

/** Every parameter in state_dict order, with PyTorch shapes (weight OIHW, then bias). */
export function csrnetParameterSpecs(config: ResolvedCsrnetConfig): ParameterSpec[] {
  return csrnetConvs(config).flatMap((c) => [
    { name: `${c.name}.weight`, shape: [c.outChannels, c.inChannels, c.kernelSize, c.kernelSize] },
    { name: `${c.name}.bias`, shape: [c.outChannels] },
  ]);
}

/** Output height and width for an input: each pool floors, as in the reference. */
export function csrnetOutputSize(config: ResolvedCsrnetConfig, height: number, width: number): [number, number] {
  let h = height;
  let w = width;
  for (const item of config.frontend) {
    if (item === 'M') {
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
  }
  return [h, w];
}

/**
 * Floating-point operations of one forward pass for one image: 2 per
 * multiply-accumulate of every conv (bias, ReLU and pools are ignored; they
 * are < 0.1 % of the total).
 */
export function csrnetFlops(config: ResolvedCsrnetConfig, height: number, width: number): number {
  let h = height;
  let w = width;
  let flops = 0;
  for (const layer of csrnetLayers(config)) {
    if (layer.kind === 'pool') {
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    } else {
      flops += 2 * h * w * layer.inChannels * layer.outChannels * layer.kernelSize * layer.kernelSize;
    }
  }
  return flops;
}
