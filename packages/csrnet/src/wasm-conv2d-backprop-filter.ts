import * as tf from '@tensorflow/tfjs';

interface BackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/**
 * `Conv2DBackpropFilter` for the wasm backend, which lacks it (tfjs 4.22), so
 * that tfjs's own gradients of strided and fused convs work there too. It
 * is a forward conv: with the batch and channel axes of x swapped
 * (`[ci, h, w, n]`) and dy as the filter (`[oh, ow, n, co]`, dilated by the
 * stride), `conv(x_pad, dy)[ci, a, b, co] = Σ x_pad[n, a + y·s, b + x·s, ci] ·
 * dy[n, y, x, co]`, which is the filter gradient. Built from the wasm
 * backend's own kernels; every intermediate is freed.
 */
export const wasmConv2dBackpropFilter: tf.KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as tf.KernelBackend;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as BackpropFilterAttrs;
  if (dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter (wasm): only NHWC is supported, got ${dataFormat}`);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const { padInfo, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const temporaries: tf.TensorInfo[] = [];
  /** Runs a wasm kernel; its output is freed on return unless it is the result. */
  const run = (kernelName: string, kernelInputs: tf.NamedTensorInfoMap, kernelAttrs: tf.NamedAttrMap, isResult = false): tf.TensorInfo => {
    const kernel = tf.getKernel(kernelName, 'wasm');
    if (kernel === undefined) throw new Error(`Conv2DBackpropFilter (wasm): the wasm backend has no ${kernelName} kernel`);
    const out = kernel.kernelFunc({ inputs: kernelInputs, backend, attrs: kernelAttrs }) as tf.TensorInfo;
    if (!isResult) temporaries.push(out);
    return out;
  };
  try {
    const xT = run('Transpose', { x }, { perm: [3, 1, 2, 0] });
    const xPadded = run(
      'PadV2',
      { x: xT },
      {
        paddings: [
          [0, 0],
          [padInfo.top, padInfo.bottom],
          [padInfo.left, padInfo.right],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    const dyT = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    const product = run('Conv2D', { x: xPadded, filter: dyT }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [strideHeight, strideWidth] });
    // Floor-mode output sizes can leave extra rows/columns at the end: keep the kernel's extent.
    const cropped = run('Slice', { x: product }, { begin: [0, 0, 0, 0], size: [product.shape[0], filterHeight, filterWidth, product.shape[3]] });
    return run('Transpose', { x: cropped }, { perm: [1, 2, 0, 3] }, true);
  } finally {
    for (const t of temporaries) backend.disposeData(t.dataId);
  }
};
