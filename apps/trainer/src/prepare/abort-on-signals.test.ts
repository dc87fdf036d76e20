import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAtomically } from '@crowd/datasets/node';
import { afterEach, expect, test, vi } from 'vitest';
import { abortOnSignals, signalExitCode } from './abort-on-signals.js';

afterEach(() => {
  vi.restoreAllMocks();
});

test('exit codes are 128 + the signal number', () => {
  expect(signalExitCode('SIGINT')).toBe(130);
  expect(signalExitCode('SIGTERM')).toBe(143);
});

test('the first signal aborts; a second removes the temp files in progress and exits with 128 + signal', async () => {
  const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
  const listeners = process.listenerCount('SIGTERM');
  const controller = new AbortController();
  const release = abortOnSignals(controller);
  const dir = mkdtempSync(join(tmpdir(), 'crowd-signal-'));
  let started = () => {};
  let finishWrite = () => {};
  const writing = new Promise<void>((resolve) => (started = resolve));
  const write = writeAtomically(join(dir, 'IMG_1.h5'), async (temp) => {
    writeFileSync(temp, 'half');
    started();
    await new Promise<void>((resolve) => (finishWrite = resolve));
  }).catch((error: unknown) => error);
  await writing;
  try {
    process.emit('SIGTERM');
    expect(controller.signal.reason).toBe('SIGTERM');
    expect(exit).not.toHaveBeenCalled();
    expect(readdirSync(dir)).toHaveLength(1);
    process.emit('SIGTERM');
    expect(exit).toHaveBeenCalledWith(143);
    expect(readdirSync(dir)).toEqual([]);
  } finally {
    release();
    finishWrite();
  }
  expect(await write).toMatchObject({ code: 'WRITE_FAILED' });
  expect(process.listenerCount('SIGTERM')).toBe(listeners);
});
