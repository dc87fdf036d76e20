import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTorchCheckpoint } from './checkpoint.js';
import { momentumBuffersByName } from './momentum-buffers.js';
import { errorOf } from '../../test/csrnet-error.js';

const local = (name: string): Uint8Array => readFileSync(new URL(`../../test/fixtures/torch/${name}`, import.meta.url));

describe('momentumBuffersByName', () => {
  const checkpoint = readTorchCheckpoint(local('sgd-batchnorm.pth'));

  it('skips BatchNorm running statistics, which the optimizer never saw', () => {
    expect([...checkpoint.stateDict.keys()]).toContain('1.running_mean');
    expect([...momentumBuffersByName(checkpoint).keys()]).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '3.weight', '3.bias']);
  });

  it('fails with WEIGHTS_MISMATCH when the parameter count differs', () => {
    const stateDict = new Map(checkpoint.stateDict);
    stateDict.delete('3.bias');
    const error = errorOf(() => momentumBuffersByName({ ...checkpoint, stateDict }, 'x.pth'));
    expect(error.code).toBe('WEIGHTS_MISMATCH');
    expect(error.message).toContain('the optimizer has 6 parameters but the state_dict has 5');
  });

  it('fails with WEIGHTS_MISMATCH when shapes show the order differs', () => {
    const entries = [...checkpoint.stateDict];
    [entries[0], entries[1]] = [entries[1], entries[0]];
    const error = errorOf(() => momentumBuffersByName({ ...checkpoint, stateDict: new Map(entries) }, 'x.pth'));
    expect(error.code).toBe('WEIGHTS_MISMATCH');
    expect(error.message).toContain('momentum buffer 0 has shape [4, 3, 3, 3] but parameter 0 (0.bias) has shape [4]');
  });
});

