import { readImageRGB } from '@crowd/datasets/node';
import { fixture, readNpy } from '@crowd/test-utils';
import { describe, expect, test } from 'vitest';
import { createCounter } from './create-counter.ts';

// PyTorch's density for the fixture input: each file below loaded with torch.load and run by LWCC's CSRNet class (formats/make-formats.py).
const pytorch = readNpy(fixture('csrnet', 'formats', 'output.npy'));
const maxAbs = Math.max(...Array.from(pytorch.data, Math.abs));

describe("every PyTorch container gives PyTorch's density (≤ 1e-5 of its max), on onnxruntime and on tfjs", () => {
  test.each([
    ["LWCC's {'model': state_dict}, zip (its release assets)", fixture('csrnet', 'formats', 'lwcc.pth')],
    ["LWCC's {'model': state_dict}, legacy", fixture('csrnet', 'formats', 'lwcc-legacy.pth')],
    ['a bare state_dict, zip', fixture('csrnet', 'formats', 'state-dict.pth')],
    ['a bare state_dict, legacy', fixture('csrnet', 'formats', 'state-dict-legacy.pth')],
    ["the reference's {'state_dict': …} checkpoint, zip", fixture('csrnet', 'zip', 'model_best.pth.tar')],
    ["the reference's {'state_dict': …} checkpoint, legacy, GPU-tagged", fixture('csrnet', 'legacy-cuda-tagged', 'model_best.pth.tar')],
  ])('%s', async (_, weights) => {
    const image = await readImageRGB(fixture('csrnet', 'input_image.png'));
    for (const engine of ['onnxruntime', 'tfjs'] as const) {
      const counter = await createCounter({ weights, engine, ...(engine === 'tfjs' ? { backend: 'wasm' as const } : {}) });
      try {
        const { density } = await counter.count(image);
        expect([density.height, density.width]).toEqual([8, 12]);
        let diff = 0;
        for (let i = 0; i < pytorch.data.length; i++) diff = Math.max(diff, Math.abs(density.data[i] - pytorch.data[i]));
        expect(diff).toBeLessThanOrEqual(1e-5 * maxAbs);
      } finally {
        await counter.dispose();
      }
    }
  });
});
