import { describe, expect, test } from 'vitest';
import { countJobId, sha256, type JobIdentity } from './count-job.ts';

const digest = sha256('the bytes of one image');
const base: JobIdentity = { digest, model: sha256('weights'), options: {} };

describe('countJobId', () => {
  test('the image digest first, then a digest of the model and options: a BullMQ custom id (no ":", not an integer)', () => {
    const id = countJobId(base);
    expect(id).toMatch(/^[0-9a-f]{32}-[0-9a-f]{16}$/);
    expect(id.startsWith(digest.slice(0, 32))).toBe(true);
    // The v1 canonical form, recomputed with Python's hashlib and json.dumps (compact separators):
    // sha256('{"v":1,"model":"<sha256 of weights>","variant":null,"maxSide":null,"points":false,"tile":null,"tileMargin":144,"heatmap":null,"density":null}').
    // A change here changes every id already queued.
    expect(id).toBe('bfc3b2b7e51a419cd327c7d754e9ab15-7db97133e60d426b');
  });

  test('defaults spelled out are the same job; every option that changes the record is a different one', () => {
    const id = countJobId(base);
    expect(countJobId({ ...base, options: { points: false, tileMargin: 144 } })).toBe(id);
    const variants: JobIdentity[] = [
      { ...base, digest: sha256('other bytes') },
      { ...base, model: sha256('other weights') },
      { ...base, model: undefined },
      { ...base, variant: 'A' },
      { ...base, options: { maxSide: 1024 } },
      { ...base, options: { points: true } },
      { ...base, options: { tile: 512 } },
      { ...base, options: { tileMargin: 0 } },
      { ...base, options: { heatmap: { dir: '/out', format: 'png', colourMap: 'turbo' } } },
      { ...base, options: { heatmap: { dir: '/out', format: 'jpg', colourMap: 'turbo' } } },
      { ...base, options: { densityDir: '/out' } },
    ];
    const ids = variants.map(countJobId);
    expect(new Set([id, ...ids]).size).toBe(variants.length + 1);
  });
});
