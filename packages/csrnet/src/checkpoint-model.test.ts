import { readFileSync } from 'node:fs';
import { fixture } from '@crowd/test-utils';
import { beforeAll, expect, test } from 'vitest';
import { csrnetFromCheckpoint, widthDivisorOf } from './checkpoint-model.js';
import { selectBackend } from './node/select-backend.js';
import { readTorchCheckpoint } from './torch/checkpoint.js';

beforeAll(() => selectBackend('cpu'));

test('a .pth.tar gives the ÷8 fixture model (width divisor from frontend.0.weight), any variant asked for', () => {
  for (const format of ['zip', 'legacy']) {
    const bytes = new Uint8Array(readFileSync(fixture('csrnet', format, 'model_best.pth.tar')));
    const model = csrnetFromCheckpoint(readTorchCheckpoint(bytes, 'model_best.pth.tar'), 'model_best.pth.tar', { variant: 'C' });
    expect(model.config).toMatchObject({ widthDivisor: 8, variant: 'C' });
    expect([...model.parameters.values()].reduce((n, v) => n + v.size, 0)).toBe(254_825);
    model.dispose();
  }
});

test('a state_dict of another network, or with odd widths, is a readable WEIGHTS_MISMATCH', () => {
  const other = new Map([['features.0.weight', { shape: [64, 3, 3, 3], data: new Float32Array(1728) }]]);
  expect(() => widthDivisorOf(other, 'vgg.pth')).toThrow(/^vgg\.pth: expected a CSRNet state_dict with frontend.0.weight, found features.0.weight$/);
  const odd = new Map([['frontend.0.weight', { shape: [48, 3, 3, 3], data: new Float32Array(1296) }]]);
  expect(() => widthDivisorOf(odd, 'odd.pth')).toThrow(/48 output channels/);
});
