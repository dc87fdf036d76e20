import { readFileSync } from 'node:fs';
import { fixture } from '@crowd/test-utils';
import { describe, expect, it } from 'vitest';
import { MODEL_FILE_LIMITS } from '../limits.js';
import { readLegacyCheckpoint } from './legacy-format.js';
import { unpickle } from './pickle.js';
import { resolveTorchGlobal } from './torch-globals.js';
import { StorageView, TorchStorage } from './torch-objects.js';
import { errorOf } from '../../test/csrnet-error.js';

const PATH = fixture('csrnet', 'legacy', 'model_best.pth.tar');
const original = new Uint8Array(readFileSync(PATH));

/** Where the storage records start: just past the fifth pickle. */
function dataStart(bytes: Uint8Array): number {
  const anyStorage = (): StorageView => new StorageView(new TorchStorage('k', 'float32', 2 ** 40), 0, 2 ** 40);
  let end = 0;
  for (let i = 0; i < 5; i++) end = unpickle(bytes, end, { resolveGlobal: resolveTorchGlobal, persistentLoad: anyStorage }).end;
  return end;
}

describe('readLegacyCheckpoint', () => {
  it('rejects a pickle without torch’s magic number', () => {
    const error = errorOf(() => readLegacyCheckpoint(Uint8Array.of(0x80, 2, 0x4b, 1, 0x2e), 'x.pkl', MODEL_FILE_LIMITS));
    expect(error.message).toBe(
      "x.pkl: this is a Python pickle but not a PyTorch checkpoint: expected torch's magic number first, found number 1 (a file written by pickle.dump rather than torch.save?)",
    );
  });

  it('rejects another legacy protocol version', () => {
    const bytes = original.slice();
    expect(Array.from(bytes.subarray(15, 21))).toEqual([0x80, 2, 0x4d, 0xe9, 0x03, 0x2e]); // BININT2 1001
    bytes[18] = 0xea;
    expect(errorOf(() => readLegacyCheckpoint(bytes, PATH, MODEL_FILE_LIMITS)).message).toContain('unsupported legacy checkpoint protocol: expected 1001, found number 1002');
  });

  it('rejects a storage whose element count disagrees with the pickle', () => {
    const bytes = original.slice();
    const start = dataStart(bytes);
    const view = new DataView(bytes.buffer);
    view.setBigInt64(start, view.getBigInt64(start, true) + 1n, true);
    const error = errorOf(() => readLegacyCheckpoint(bytes, PATH, MODEL_FILE_LIMITS));
    expect(error.code).toBe('WEIGHTS_FORMAT');
    expect(error.message).toMatch(/storage \d+ at byte \d+ holds \d+ elements but the pickle says \d+ — the file is corrupt/);
  });

  it('calls every cut of the file truncated, in the pickles and in the data', () => {
    const start = dataStart(original);
    const cuts = new Set<number>();
    for (let n = 1; n < start + 16; n += 7) cuts.add(n);
    for (let n = start; n < original.length; n += 20011) cuts.add(n);
    cuts.add(original.length - 1);
    const messages = new Set<string>();
    for (const n of cuts) {
      const error = errorOf(() => readLegacyCheckpoint(original.subarray(0, n), PATH, MODEL_FILE_LIMITS));
      expect(error.code).toBe('WEIGHTS_FORMAT');
      expect(error.message, `cut at ${n}`).toContain('truncated');
      messages.add(error.message.replace(/\d+/g, 'N'));
    }
    expect(messages.size).toBeGreaterThan(3); // cuts land in different places: opcodes, strings, storages
  });
});
