import { describe, expect, test } from 'vitest';
import { errorOf } from '../test/csrnet-error.js';
import { resolveCsrnetConfig } from './config.js';
import { checkDeviceLimits, csrnetDeviceBuffers, largestDeviceBuffer, largestSquareTile, type DeviceLimits } from './device-limits.js';

const full = resolveCsrnetConfig();
const MIB_128: DeviceLimits = { maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 32 - 1 };
const limits = (bytes: number): DeviceLimits => ({ maxStorageBufferBindingSize: bytes, maxBufferSize: 2 ** 40 });

const summary = (buffers: ReturnType<typeof csrnetDeviceBuffers>) => buffers.map((b) => `${b.name} [${b.shape.join(',')}] ${b.bytes}`);

describe('csrnetDeviceBuffers', () => {
  // One conv, a pool, one conv, one dilated back-end conv and the head, at 16×20 (every pool floors to 8×10).
  const tiny = resolveCsrnetConfig({ frontend: [4, 'M', 8], backend: [8] });

  test('a forward: input, weights, every output, and im2col where tfjs-webgpu would use it', () => {
    expect(summary(csrnetDeviceBuffers(tiny, 16, 20))).toEqual([
      'input [1,16,20,3] 3840',
      'frontend.0.weight [3,3,3,4] 432',
      'frontend.0 output [1,16,20,4] 5120',
      // 1·⌈320/32⌉·⌈4/32⌉ = 10 workgroups ≤ 16: im2col [N, h·w, 3·3·Cin].
      'frontend.0 im2col [1,320,27] 34560',
      'pool 1 output [1,8,10,4] 1280',
      'frontend.3.weight [3,3,4,8] 1152',
      'frontend.3 output [1,8,10,8] 2560',
      'frontend.3 im2col [1,80,36] 11520',
      'backend.0.weight [3,3,8,8] 2304',
      'backend.0 output [1,8,10,8] 2560',
      'backend.0 im2col [1,80,72] 23040',
      // 1×1: a matmul over the input, no im2col.
      'output_layer.weight [1,1,8,1] 32',
      'output_layer output [1,8,10,1] 320',
    ]);
  });

  test('a training step adds input gradients, their im2col, and the padded, transposed inputs of the filter gradients', () => {
    expect(summary(csrnetDeviceBuffers(tiny, 16, 20, { training: true }))).toEqual([
      'input [1,16,20,3] 3840',
      'frontend.0.weight [3,3,3,4] 432',
      'frontend.0 output [1,16,20,4] 5120',
      'frontend.0 im2col [1,320,27] 34560',
      'frontend.0 input gradient [1,16,20,3] 3840',
      'frontend.0 input gradient im2col [1,320,36] 46080',
      'frontend.0 input, padded and transposed (filter gradient) [3,1,18,22] 4752',
      'pool 1 output [1,8,10,4] 1280',
      'pool 1 input gradient [1,16,20,4] 5120',
      'frontend.3.weight [3,3,4,8] 1152',
      'frontend.3 output [1,8,10,8] 2560',
      'frontend.3 im2col [1,80,36] 11520',
      'frontend.3 input gradient [1,8,10,4] 1280',
      'frontend.3 input gradient im2col [1,80,72] 23040',
      'frontend.3 input, padded and transposed (filter gradient) [4,1,10,12] 1920',
      'backend.0.weight [3,3,8,8] 2304',
      'backend.0 output [1,8,10,8] 2560',
      'backend.0 im2col [1,80,72] 23040',
      'backend.0 input gradient [1,8,10,8] 2560',
      'backend.0 input gradient im2col [1,80,72] 23040',
      // Dilation 2 pads by 2.
      'backend.0 input, padded and transposed (filter gradient) [8,1,12,14] 5376',
      'output_layer.weight [1,1,8,1] 32',
      'output_layer output [1,8,10,1] 320',
      'output_layer input gradient [1,8,10,8] 2560',
      // The input gradient's conv has explicit pads, so tfjs does not take the 1×1 matmul path there.
      'output_layer input gradient im2col [1,80,1] 320',
      'output_layer input, padded and transposed (filter gradient) [8,1,8,10] 2560',
    ]);
  });

  test('im2col follows the workgroup threshold and tfjs’s separate-im2col flag', () => {
    const names = (options: Parameters<typeof csrnetDeviceBuffers>[3]) => csrnetDeviceBuffers(tiny, 16, 20, options).filter((b) => b.name.endsWith('im2col')).map((b) => b.name);
    // frontend.0 needs 10 workgroups: above a threshold of 8 (non-Intel GPUs), at most 16.
    expect(names({ im2colWorkgroups: 8 })).toEqual(['frontend.3 im2col', 'backend.0 im2col']);
    expect(names({ im2colWorkgroups: 0 })).toEqual([]);
    // Batch 2 doubles the workgroups: 20 for frontend.0, 4 for the others.
    expect(names({ batch: 2 })).toEqual(['frontend.3 im2col', 'backend.0 im2col']);
    const big = largestDeviceBuffer(full, 768, 1024, { separateIm2col: true });
    expect(big).toEqual({ name: 'frontend.2 im2col', shape: [1, 768 * 1024, 576], bytes: 4 * 768 * 1024 * 576 });
  });

  test('full CSRNet at 1024×768: 64-channel activations of 192 MiB, 4 per element, linear in the batch', () => {
    expect(largestDeviceBuffer(full, 768, 1024)).toEqual({ name: 'frontend.0 output', shape: [1, 768, 1024, 64], bytes: 201326592 });
    expect(largestDeviceBuffer(full, 768, 1024, { batch: 3 }).bytes).toBe(3 * 201326592);
    expect(largestDeviceBuffer(full, 768, 1024, { training: true })).toEqual({ name: 'frontend.2 input, padded and transposed (filter gradient)', shape: [64, 1, 770, 1026], bytes: 4 * 64 * 770 * 1026 });
    // Odd sizes floor at each pool, as the model does.
    const last = csrnetDeviceBuffers(full, 101, 67).at(-1)!;
    expect(last).toEqual({ name: 'output_layer output', shape: [1, 12, 8, 1], bytes: 384 });
  });

  test('bad options are CONFIG_INVALID', () => {
    expect(errorOf(() => csrnetDeviceBuffers(full, 64, 64, { batch: 0 })).message).toBe('device budget batch: expected a positive integer, got 0');
    expect(errorOf(() => csrnetDeviceBuffers(full, 64, 64, { im2colWorkgroups: 1.5 })).code).toBe('CONFIG_INVALID');
  });
});

describe('checkDeviceLimits', () => {
  test('exactly the limit binds; one element more is DEVICE_LIMIT naming the tensor, its bytes, the limit and the tile that fits', () => {
    // 64 channels × 4 bytes: 2^27 bytes is 524288 pixels, 512×1024.
    expect(() => checkDeviceLimits(full, 512, 1024, MIB_128)).not.toThrow();
    const error = errorOf(() => checkDeviceLimits(full, 513, 1024, MIB_128, {}, 'predict'));
    expect(error.code).toBe('DEVICE_LIMIT');
    expect(error.message).toBe(
      "predict: a forward on a [1,513,1024,3] input needs the tensor 'frontend.0 output' [1,513,1024,64] of 134479872 bytes (128.3 MiB), " +
        "over this device's maxStorageBufferBindingSize of 134217728 bytes (128.0 MiB); inputs up to 720×720 fit (tile the image or lower the batch)",
    );
  });

  test('training counts the padded copy; the batch multiplies; a smaller maxBufferSize is the limit', () => {
    expect(() => checkDeviceLimits(full, 512, 1024, MIB_128, { training: true })).toThrow("'frontend.2 input, padded and transposed (filter gradient)' [64,1,514,1026] of 135005184 bytes");
    expect(() => checkDeviceLimits(full, 256, 1024, MIB_128, { batch: 2 })).not.toThrow();
    expect(() => checkDeviceLimits(full, 257, 1024, MIB_128, { batch: 2 })).toThrow(/\[2,257,1024,64\] of 134742016 bytes .*inputs up to 512×512 fit at batch 2/);
    const small = { maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 28 };
    expect(() => checkDeviceLimits(full, 1032, 1024, small)).toThrow("over this device's maxBufferSize of 268435456 bytes (256.0 MiB)");
  });

  test('when nothing fits at that batch, the message says so', () => {
    expect(() => checkDeviceLimits(full, 64, 64, limits(10_000))).toThrow(/; no input fits at this batch size \(tile the image/);
  });
});

describe('largestSquareTile', () => {
  test('the largest multiple of the output stride whose buffers bind', () => {
    // Forward: 256·s² ≤ 2^27 → s ≤ 724; training: 256·(s+2)² → s ≤ 722; both give 720.
    expect(largestSquareTile(full, MIB_128)).toBe(720);
    expect(largestSquareTile(full, MIB_128, { training: true })).toBe(720);
    // 2 GiB (a large GPU): 256·s² ≤ 2^31 → s ≤ 2896.3.
    expect(largestSquareTile(full, limits(2 ** 31))).toBe(2896);
    expect(largestSquareTile(full, limits(2 ** 31), { batch: 4 })).toBe(1448);
    expect(largestSquareTile(full, limits(2 ** 31), { multipleOf: 100 })).toBe(2800);
    // ÷8, training: 32·(s+2)² ≤ 2^27 → s ≤ 2046.
    expect(largestSquareTile(resolveCsrnetConfig({ widthDivisor: 8 }), MIB_128, { training: true })).toBe(2040);
  });

  test('every answer fits and the next stride does not', () => {
    for (const bytes of [2 ** 24, 2 ** 27, 3e8, 2 ** 31, 2 ** 32 - 4]) {
      for (const training of [false, true]) {
        const side = largestSquareTile(full, limits(bytes), { training });
        expect(largestDeviceBuffer(full, side, side, { training }).bytes).toBeLessThanOrEqual(bytes);
        expect(largestDeviceBuffer(full, side + 8, side + 8, { training }).bytes).toBeGreaterThan(bytes);
      }
    }
  });

  test('no tile fits, or a bad multipleOf', () => {
    expect(errorOf(() => largestSquareTile(full, limits(10_000))).message).toBe("no input fits this device: even 8×8 needs 'frontend.19.weight' of 9437184 bytes, over 10000");
    expect(errorOf(() => largestSquareTile(full, MIB_128, { multipleOf: 0 })).code).toBe('CONFIG_INVALID');
  });
});
