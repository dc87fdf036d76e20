import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { StepRecord } from '../records.js';
import { JsonlLog, readLog } from './jsonl-log.js';

const step = (n: number, loss: number): StepRecord => ({ type: 'step', epoch: 1, step: n, batch: n, batches: 9, loss, lr: 1e-6, images: 1, imagesPerSecond: 2 });

test('appends one JSON line per record; truncating to a saved position drops what came after', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'crowd-log-')), 'out', 'log.jsonl');
  const log = new JsonlLog(path);
  log.append(step(1, 12.5));
  const saved = log.position();
  expect(saved).toBe(Buffer.byteLength(`${JSON.stringify(step(1, 12.5))}\n`));
  log.append(step(2, 11));
  log.append(step(3, 10));
  log.close();

  // A crash mid-write leaves a partial line; reading skips it.
  appendFileSync(path, '{"type":"step","ep');
  expect(readLog(path).map((r) => r.step)).toEqual([1, 2, 3]);

  // Reopened (a resumed run): the length is the file's, and truncation cuts back to the checkpoint's position.
  const again = new JsonlLog(path);
  expect(again.position()).toBe(readFileSync(path).length);
  again.truncate(saved);
  again.append(step(2, 9));
  again.truncate(10_000); // past the end: nothing to cut
  again.close();
  expect(readLog(path)).toEqual([step(1, 12.5), step(2, 9)]);
});
