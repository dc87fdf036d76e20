import { fixture } from '@crowd/test-utils';
import { expect, test, vi } from 'vitest';
import { createCounter } from './create-counter.ts';

// A machine without the optional peer: importing onnxruntime-node fails as Node reports a missing package.
vi.mock('./load-onnxruntime.ts', async (original) => ({
  ...(await original<typeof import('./load-onnxruntime.ts')>()),
  loadOnnxruntimeNode: async () => {
    throw Object.assign(new Error("Cannot find package 'onnxruntime-node' imported from /app/node_modules/@crowd/count/dist/node/create-counter.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
  },
}));

const CHECKPOINT = fixture('csrnet', 'zip', 'model_best.pth.tar');

test('auto without onnxruntime-node counts on tfjs and says why onnxruntime was skipped', async () => {
  const counter = await createCounter({ weights: CHECKPOINT });
  try {
    expect(counter.engine).toMatch(/^tfjs \((wasm|cpu)\)$/);
    expect(counter.tried[0]).toEqual({ engine: 'onnxruntime-node', error: expect.stringContaining("Cannot find package 'onnxruntime-node'") });
  } finally {
    await counter.dispose();
  }
});

test('engine onnxruntime without the package is ENGINE_UNAVAILABLE saying what to install', async () => {
  await expect(createCounter({ weights: CHECKPOINT, engine: 'onnxruntime' })).rejects.toThrow(
    'the onnxruntime engine needs the onnxruntime-node package (npm i onnxruntime-node; set ONNXRUNTIME_NODE_INSTALL=skip to skip its CUDA download)',
  );
});
