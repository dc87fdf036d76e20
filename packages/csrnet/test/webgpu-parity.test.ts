// tfjs-webgpu on Dawn, on Mesa's lavapipe (software Vulkan, installed by tools/ci/install-lavapipe.sh):
// the same numbers as PyTorch and wasm, and the device guard for real. lavapipe is ~10× slower than
// wasm, so everything runs on the ÷8 fixture model at 64×96.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { fixture, requireLavapipe } from '@crowd/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { largestDeviceBuffer } from '../src/device-limits.js';
import { createCsrnet, type CsrnetModel } from '../src/model.js';
import type { NamedTensors } from '../src/named-tensors.js';
import { selectBackend } from '../src/node/select-backend.js';
import type { WebgpuDeviceInfo } from '../src/node/webgpu-adapter.js';
import { webgpuDeviceInfo } from '../src/node/webgpu-backend.js';
import { SGD } from '../src/sgd.js';
import { readStateDict, stateDict } from '../src/state-dict.js';
import { lossAndGradients, trainStep } from '../src/train-step.js';
import '../src/training.js';
import { BACKENDS } from './backends.js';
import { maxDiff, nhwcFromNchwNpy, npyFloat32, readSmallBin } from './fixtures.js';

// The Vulkan loader reads these when Dawn creates its instance, at the first selectBackend('webgpu').
Object.assign(process.env, requireLavapipe());

const info = JSON.parse(readFileSync(fixture('csrnet', 'train_step', 'train_step.json'), 'utf8')) as {
  losses_before_each_step: number[];
  sgd: { lr: number; momentum: number; weight_decay: number };
};

const fixtureModel = (): CsrnetModel => createCsrnet({ widthDivisor: 8 }, { kind: 'weights', weights: readSmallBin('weights.bin'), source: 'csrnet/weights.bin' });
const sgdFor = (model: CsrnetModel): SGD => new SGD(model, { lr: info.sgd.lr, momentum: info.sgd.momentum, weightDecay: info.sgd.weight_decay });

/** Gradients in state_dict layout, read asynchronously. */
async function readGrads(model: CsrnetModel, grads: Map<string, tf.Tensor>): Promise<NamedTensors> {
  const out: NamedTensors = new Map();
  for (const [name, g] of grads) out.set(name, model.exportTensor(name, (await g.data()) as Float32Array));
  return out;
}

/** max over tensors of max|a − b| / max|b|. */
function worstRelative(a: NamedTensors, b: NamedTensors): number {
  let worst = 0;
  for (const [name, t] of b) {
    const { diff, scale } = maxDiff(a.get(name)!.data, t.data);
    worst = Math.max(worst, diff / scale);
  }
  return worst;
}

interface Run {
  output: Float32Array;
  grads: NamedTensors;
  losses: number[];
  weights: NamedTensors;
  momentum: NamedTensors;
}

/** Forward, gradients and 3 SGD steps on the active backend, as plain data. */
async function run(): Promise<Run> {
  const input = nhwcFromNchwNpy('csrnet', 'input.npy');
  const target = nhwcFromNchwNpy('csrnet', 'train_step', 'target.npy');
  const model = fixtureModel();
  const out = model.predict(input);
  const output = (await out.data()) as Float32Array;
  const { loss, grads } = lossAndGradients(model, input, target);
  const gradData = await readGrads(model, grads);
  tf.dispose([out, loss, ...grads.values()]);
  const sgd = sgdFor(model);
  const losses: number[] = [];
  for (let i = 0; i < 3; i++) losses.push(await trainStep(model, sgd, input, target));
  const weights = await readStateDict(model);
  const momentum = await sgd.momentumBuffers();
  sgd.dispose();
  model.dispose();
  tf.dispose([input, target]);
  return { output, grads: gradData, losses, weights, momentum };
}

describe('tfjs-webgpu on lavapipe', () => {
  let wasm: Run;
  let gpu: Run;
  let device: WebgpuDeviceInfo;

  beforeAll(async () => {
    // auto must not pick a software GPU: without tfjs-node it falls through to wasm.
    if (!BACKENDS.includes('tensorflow')) {
      const auto = await selectBackend('auto');
      expect(auto.name).toBe('wasm');
      expect(auto.tried.map((t) => t.name)).toEqual(['tensorflow', 'webgpu']);
      expect(auto.tried[1].error).toMatch(/^the only WebGPU adapter is a software one \(llvmpipe: Mesa 2\d\..* \[mesa, software\]\), slower than wasm/);
    }
    await selectBackend('wasm');
    wasm = await run();
    expect(await selectBackend('webgpu')).toEqual({ name: 'webgpu', tried: [] });
    device = webgpuDeviceInfo()!;
    gpu = await run();
  }, 600_000);

  test('the device is lavapipe, flagged as software, with the adapter’s limits rather than the defaults', () => {
    console.log(`[webgpu] ${JSON.stringify(device.adapter)}; limits ${JSON.stringify(device.limits)}`);
    expect(device.adapter).toMatchObject({ vendor: 'mesa', architecture: 'software', isFallbackAdapter: true });
    expect(device.adapter.device).toMatch(/^llvmpipe/);
    expect(device.software).toBe(true);
    // lavapipe binds 128 MiB and addresses 4 GiB; WebGPU's defaults are 128 MiB, 256 MiB and 16 KiB workgroup storage.
    expect(device.limits.maxStorageBufferBindingSize).toBe(2 ** 27);
    expect(device.limits.maxBufferSize).toBe(2 ** 32 - 1);
    expect(device.limits.maxComputeWorkgroupStorageSize).toBe(32768);
    expect(device.limits.maxStorageBuffersPerShaderStage).toBe(16);
  });

  test('÷8 forward: output.npy within 1e-4 of max|output|, and wasm’s within 1e-5', () => {
    const expected = npyFloat32('csrnet', 'output.npy');
    const torch = maxDiff(gpu.output, expected.data);
    const vsWasm = maxDiff(gpu.output, wasm.output);
    console.log(`[webgpu] ÷8 forward: max |diff| ${torch.diff.toExponential(2)} vs PyTorch, ${vsWasm.diff.toExponential(2)} vs wasm; max |output| ${torch.scale.toFixed(3)}`);
    expect(torch.diff).toBeLessThan(1e-4 * torch.scale);
    expect(vsWasm.diff).toBeLessThan(1e-5 * vsWasm.scale);
  });

  test('gradients: grads.bin within 1e-3 of each tensor’s max|grad|, and wasm’s within 1e-4', () => {
    const expected = readSmallBin('train_step', 'grads.bin');
    const torch = worstRelative(gpu.grads, expected);
    const vsWasm = worstRelative(gpu.grads, wasm.grads);
    console.log(`[webgpu] gradients: worst max|diff| / max|grad| ${torch.toExponential(2)} vs PyTorch, ${vsWasm.toExponential(2)} vs wasm (34 tensors)`);
    expect(torch).toBeLessThan(1e-3);
    expect(vsWasm).toBeLessThan(1e-4);
  });

  test('3 SGD steps: the same losses, weights and momentum buffers as wasm, and as PyTorch', () => {
    console.log(`[webgpu] 3 SGD steps: losses ${gpu.losses.map((l) => l.toFixed(5)).join(', ')}; wasm ${wasm.losses.map((l) => l.toFixed(5)).join(', ')}`);
    gpu.losses.forEach((l, i) => {
      expect(Math.abs(l - wasm.losses[i])).toBeLessThan(1e-5 * wasm.losses[i]);
      expect(Math.abs(l - info.losses_before_each_step[i])).toBeLessThan(1e-4 * info.losses_before_each_step[i]);
    });
    const vsWasm = worstRelative(gpu.weights, wasm.weights);
    const torch = worstRelative(gpu.weights, readSmallBin('train_step', 'weights_after_3_steps.bin'));
    const momentum = worstRelative(gpu.momentum, wasm.momentum);
    console.log(`[webgpu] after 3 steps, worst diff / max: weights ${vsWasm.toExponential(2)} vs wasm, ${torch.toExponential(2)} vs PyTorch; momentum ${momentum.toExponential(2)} vs wasm`);
    expect(vsWasm).toBeLessThan(1e-5);
    expect(torch).toBeLessThan(1e-4);
    expect(gpu.momentum.size).toBe(34);
    expect(momentum).toBeLessThan(1e-4);
  });

  test('a synchronous read of GPU data is SYNC_READ_UNSUPPORTED, not a ReferenceError from tfjs', () => {
    const model = fixtureModel();
    const input = nhwcFromNchwNpy('csrnet', 'input.npy');
    // New variables still hold their values on the CPU; running the model uploads them.
    expect(stateDict(model).get('output_layer.bias')!.data).toEqual(readSmallBin('weights.bin').get('output_layer.bias')!.data);
    const out = model.predict(input);
    const unsupported = expect.objectContaining({ code: 'SYNC_READ_UNSUPPORTED', message: expect.stringMatching(/use await tensor\.data\(\) or tensor\.array\(\)$/) });
    expect(() => out.dataSync()).toThrow(unsupported);
    expect(() => stateDict(model)).toThrow(unsupported);
    tf.dispose([input, out]);
    model.dispose();
  });

  test('inputs too large for the device are DEVICE_LIMIT before anything runs', () => {
    const model = fixtureModel();
    const before = tf.memory().numTensors;
    // ÷8: frontend.0's output is 8 channels, 32 bytes a pixel: 2048×2048 is exactly 128 MiB, which
    // still binds for a forward, but a training step pads frontend.2's input to 2050×2050.
    expect(largestDeviceBuffer(model.config, 2048, 2048).bytes).toBe(2 ** 27);
    const square = tf.zeros([1, 2048, 2048, 3]) as tf.Tensor4D;
    const target = tf.zeros([1, 256, 256, 1]) as tf.Tensor4D;
    expect(() => lossAndGradients(model, square, target)).toThrow(
      expect.objectContaining({
        code: 'DEVICE_LIMIT',
        message:
          "lossAndGradients: a training step on a [1,2048,2048,3] input needs the tensor 'frontend.2 input, padded and transposed (filter gradient)' [8,1,2050,2050] of 134480000 bytes (128.3 MiB), " +
          "over this device's maxStorageBufferBindingSize of 134217728 bytes (128.0 MiB); inputs up to 2040×2040 fit (tile the image or lower the batch)",
      }),
    );
    const tall = tf.zeros([1, 2056, 2048, 3]) as tf.Tensor4D;
    expect(() => model.predict(tall)).toThrow(expect.objectContaining({ code: 'DEVICE_LIMIT', message: expect.stringMatching(/^predict: a forward on a \[1,2056,2048,3\] input needs the tensor 'frontend\.0 output' \[1,2056,2048,8\] of 134742016 bytes/) }));
    const pair = tf.zeros([2, 1456, 1456, 3]) as tf.Tensor4D;
    expect(() => model.apply(pair)).toThrow(expect.objectContaining({ code: 'DEVICE_LIMIT', message: expect.stringMatching(/inputs up to 1448×1448 fit at batch 2/) }));
    // Nothing ran: no tensor was made besides the inputs.
    expect(tf.memory().numTensors).toBe(before + 4);
    tf.dispose([square, target, tall, pair]);
    model.dispose();
  });

  // Last: it leaves the device failed for the rest of this process.
  test('past the guard, a kernel Dawn rejects makes the read DEVICE_ERROR, and every forward after it', async () => {
    // 600×1024×64 floats are 150 MiB: Dawn rejects the bind group, the sum never runs, and plain
    // tfjs would return the output buffer's stale contents (0 here) as the sum.
    const big = tf.fill([1, 600, 1024, 64], 1);
    const sum = tf.sum(big);
    await expect(sum.data()).rejects.toMatchObject({
      code: 'DEVICE_ERROR',
      message: expect.stringMatching(/^reading a tensor: the webgpu device reported GPUValidationError: Binding size \(157286400\) of \[Buffer[^\]]*\] is larger than the maximum storage buffer binding size \(134217728\)\./),
    });
    const model = fixtureModel();
    const input = nhwcFromNchwNpy('csrnet', 'input.npy');
    expect(() => model.predict(input)).toThrow(expect.objectContaining({ code: 'DEVICE_ERROR', message: expect.stringMatching(/^predict: the webgpu device reported/) }));
    tf.dispose([big, sum, input]);
    model.dispose();
  });
});
