import { createCsrnet } from '@crowd/csrnet';
import { selectBackend } from '@crowd/csrnet/node';
import { beforeAll, expect, test } from 'vitest';
import { TrainError } from './errors.js';
import { createOptimizer } from './optimizer.js';

beforeAll(() => selectBackend('cpu'));

const settings = { lr: 1e-3, momentum: 0.9, weightDecay: 5e-4, adamBetas: [0.9, 0.999] as [number, number], adamEps: 1e-8 };

test('SGD and Adam: lr passes through, state has the right kind, the other kind is refused', async () => {
  const model = createCsrnet({ widthDivisor: 32 }, { kind: 'reference', seed: 0 });
  const sgd = createOptimizer(model, { ...settings, optimizer: 'sgd' });
  const adam = createOptimizer(model, { ...settings, optimizer: 'adam' });
  sgd.lr = 0.25;
  expect(sgd.lr).toBe(0.25);
  expect(adam.lr).toBe(1e-3);
  const sgdState = await sgd.state();
  const adamState = await adam.state();
  expect(sgdState.kind).toBe('sgd');
  expect(adamState).toMatchObject({ kind: 'adam', step: 0 });
  expect(() => sgd.load(adamState, 'ckpt/optimizer.bin')).toThrow(new TrainError('CONFIG_INVALID', 'optimizer state: expected sgd state, found adam state'));
  expect(() => adam.load(sgdState)).toThrow('optimizer state: expected adam state, found sgd state');
  adam.load(adamState);
  sgd.dispose();
  adam.dispose();
  model.dispose();
});
