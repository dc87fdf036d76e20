import * as tf from '@tensorflow/tfjs';
import { describe, expect, test, vi } from 'vitest';
import { BACKENDS } from '../../test/backends.js';
import { selectBackend } from './select-backend.js';
import { webgpuDeviceInfo } from './webgpu-backend.js';

describe('selectBackend in Node', () => {
  test('auto picks the fastest importable backend and says why faster ones were skipped', async () => {
    const selection = await selectBackend();
    expect(tf.getBackend()).toBe(selection.name);
    if (BACKENDS.includes('tensorflow')) {
      expect(selection).toEqual({ name: 'tensorflow', tried: [] });
      return;
    }
    expect(selection.tried[0].name).toBe('tensorflow');
    expect(selection.tried[0].error).toMatch(/^@tensorflow\/tfjs-node-gpu: .* \| @tensorflow\/tfjs-node: /);
    if (selection.name === 'webgpu') {
      // A machine with a GPU and its Vulkan driver: auto takes it only when it is hardware.
      expect(webgpuDeviceInfo()!.software).toBe(false);
      expect(selection.tried).toHaveLength(1);
    } else {
      expect(selection.name).toBe('wasm');
      expect(selection.tried.map((t) => t.name)).toEqual(['tensorflow', 'webgpu']);
      // No Vulkan driver here (the webgpu tests point the loader at lavapipe themselves), or only a software one.
      expect(selection.tried[1].error).toMatch(/^no Vulkan driver is installed|^Dawn found no WebGPU adapter|^the only WebGPU adapter is a software one|libvulkan\.so\.1/);
    }
  });

  test.runIf(!BACKENDS.includes('tensorflow'))('naming tensorflow without tfjs-node is BACKEND_UNAVAILABLE listing both packages', async () => {
    await expect(selectBackend('tensorflow')).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      message: expect.stringMatching(/^backend 'tensorflow' is unavailable in Node\.js \(tried tensorflow: @tensorflow\/tfjs-node-gpu: .*@tensorflow\/tfjs-node: /),
    });
  });

  test('webgl is not offered in Node', async () => {
    await expect(selectBackend('webgl')).rejects.toThrow("backend 'webgl' is not available in Node.js (candidates: tensorflow, webgpu, wasm, cpu)");
  });

  test('cpu starts without printing the tfjs-node advert, and leaves PROD as it was', async () => {
    const warn = vi.spyOn(console, 'warn');
    const log = vi.spyOn(console, 'log');
    expect(await selectBackend('cpu')).toEqual({ name: 'cpu', tried: [] });
    tf.tensor1d([1, 2]).dispose();
    expect([...warn.mock.calls, ...log.mock.calls].flat().join('\n')).not.toMatch(/tfjs-node/);
    expect(tf.env().getBool('PROD')).toBe(false);
    warn.mockRestore();
    log.mockRestore();
  });
});
