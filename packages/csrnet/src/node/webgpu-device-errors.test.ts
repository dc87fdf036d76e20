import { describe, expect, test } from 'vitest';
import { errorOf } from '../../test/csrnet-error.js';
import { DeviceErrorMonitor, type ErrorReportingDevice } from './webgpu-device-errors.js';

class GPUValidationError {
  constructor(readonly message: string) {}
}

/** A device whose error scopes are a real stack: errors land in the innermost open scope of their filter. */
function fakeDevice() {
  const scopes: { filter: string; error: GPUValidationError | null }[] = [];
  const listeners: ((event: { error: GPUValidationError }) => void)[] = [];
  let loseDevice!: (info: { reason: string; message: string }) => void;
  const device: ErrorReportingDevice = {
    pushErrorScope: (filter) => void scopes.push({ filter, error: null }),
    popErrorScope: async () => {
      const scope = scopes.pop();
      if (scope === undefined) throw new Error('OperationError: no error scope');
      return scope.error;
    },
    addEventListener: (_type, listener) => void listeners.push(listener),
    lost: new Promise((resolve) => (loseDevice = resolve)),
  };
  return {
    device,
    scopes,
    /** What Dawn does with an error: the innermost scope of its filter takes it, else it is uncaptured. */
    raise(filter: string, message: string) {
      const scope = [...scopes].reverse().find((s) => s.filter === filter);
      if (scope !== undefined) scope.error ??= new GPUValidationError(message);
      else for (const l of listeners) l({ error: new GPUValidationError(message) });
    },
    lose: (reason: string, message: string) => loseDevice({ reason, message }),
  };
}

describe('DeviceErrorMonitor', () => {
  test('keeps one scope per kind open, before and after each checkpoint', async () => {
    const fake = fakeDevice();
    const monitor = new DeviceErrorMonitor(fake.device);
    expect(fake.scopes.map((s) => s.filter)).toEqual(['validation', 'out-of-memory', 'internal']);
    await monitor.checkpoint();
    expect(fake.scopes.map((s) => s.filter)).toEqual(['validation', 'out-of-memory', 'internal']);
    expect(monitor.failed).toBe(false);
    expect(() => monitor.throwIfFailed('predict')).not.toThrow();
  });

  test('an error caught by a scope fails the checkpoint that closes it, and stays failed', async () => {
    const fake = fakeDevice();
    const monitor = new DeviceErrorMonitor(fake.device);
    fake.raise('validation', 'Binding size (157286400) of [Buffer] is larger than the maximum storage buffer binding size (134217728).\n - While calling CreateBindGroup');
    // Not known before the scopes close.
    expect(monitor.failed).toBe(false);
    await monitor.checkpoint();
    const first = 'the webgpu device reported GPUValidationError: Binding size (157286400) of [Buffer] is larger than the maximum storage buffer binding size (134217728).';
    const rest = 'tensors computed on it since may be wrong, so it is not used any more (restart the process)';
    expect(errorOf(() => monitor.throwIfFailed('reading a tensor'))).toMatchObject({ code: 'DEVICE_ERROR', message: `reading a tensor: ${first}; ${rest}` });
    // Later reports are counted; the first one is kept.
    fake.raise('internal', 'Device lost during execution');
    await monitor.checkpoint();
    expect(errorOf(() => monitor.throwIfFailed('predict')).message).toBe(`predict: ${first} (and 1 more report); ${rest}`);
  });

  test('uncaptured errors and device loss are recorded; the replaced error is the cause', async () => {
    const fake = fakeDevice();
    const monitor = new DeviceErrorMonitor(fake.device);
    // With the monitor's scopes gone (someone else popped them), Dawn dispatches the error as an event.
    fake.scopes.length = 0;
    fake.raise('validation', 'Invalid CommandBuffer');
    expect(errorOf(() => monitor.throwIfFailed('x')).message).toMatch(/^x: the webgpu device reported uncaptured GPUValidationError: Invalid CommandBuffer;/);

    const lost = fakeDevice();
    const watcher = new DeviceErrorMonitor(lost.device);
    lost.lose('unknown', 'GPU hung');
    await Promise.resolve();
    const cause = new Error('mapAsync aborted');
    const error = errorOf(() => watcher.throwIfFailed('reading a tensor', cause));
    expect(error.message).toMatch(/^reading a tensor: the webgpu device reported the device was lost \(unknown\): GPU hung;/);
    expect(error.cause).toBe(cause);
    // popErrorScope rejects on a lost device with an empty stack; the checkpoint still settles.
    lost.scopes.length = 0;
    await expect(watcher.checkpoint()).resolves.toBeUndefined();
  });
});
