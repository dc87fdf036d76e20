import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { zlibBomb } from '../test/zlib-bomb.js';
import { DecodeAllowanceExceeded, zlibStreamLength } from './zlib-stream-length.js';

const plenty = () => ({ steps: 1e9 });

/** Deterministic bytes with some repetition, so every block type and code appears. */
function sample(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    out[i] = i > 64 && seed % 3 === 0 ? out[i - 1 - (seed % 64)] : seed >>> 24;
  }
  return out;
}

describe('zlibStreamLength', () => {
  it.each([0, 1, 6, 9])('measures what fflate level %i writes, and where it ends, without inflating', (level) => {
    for (const size of [0, 1, 100, 70_000, 300_000]) {
      const data = sample(size, size + level);
      const stream = zlibSync(data, { level: level as 0 | 1 | 6 | 9 });
      const padded = new Uint8Array(stream.length + 7);
      padded.set(stream, 3);
      expect(zlibStreamLength(padded, 3, Infinity, plenty())).toEqual({ length: size, end: 3 + stream.length });
    }
  });

  it('measures a bomb without producing its gigabyte, and stops at the limit', () => {
    const { stream, inflatedLength } = zlibBomb(Uint8Array.of(7, 0), 1 << 30);
    expect(zlibStreamLength(stream, 0, Infinity, plenty())).toEqual({ length: inflatedLength, end: stream.length });
    const stopped = zlibStreamLength(stream, 0, 1 << 20, plenty());
    expect(stopped?.end).toBe(-1);
    expect(stopped?.length).toBeGreaterThan(1 << 20);
    expect(stopped?.length).toBeLessThan((1 << 20) + 300);
  });

  it('is undefined for truncated, corrupt and non-zlib bytes', () => {
    const stream = zlibSync(sample(5000, 1), { level: 6 });
    expect(zlibStreamLength(stream.subarray(0, stream.length - 1), 0, Infinity, plenty())).toBeUndefined();
    expect(zlibStreamLength(stream.subarray(0, 100), 0, Infinity, plenty())).toBeUndefined();
    expect(zlibStreamLength(Uint8Array.of(0x78, 0x9d, 0, 0), 0, Infinity, plenty())).toBeUndefined(); // header check fails
    expect(zlibStreamLength(Uint8Array.of(0x78, 0xbb, 0, 0, 0, 0), 0, Infinity, plenty())).toBeUndefined(); // preset dictionary
    expect(zlibStreamLength(Uint8Array.of(0x78, 0x9c, 0x07, 0, 0, 0, 0), 0, Infinity, plenty())).toBeUndefined(); // block type 3
    expect(zlibStreamLength(sample(4000, 9), 0, Infinity, plenty())).toBeUndefined();
  });

  it('throws once the shared step allowance is used up', () => {
    const stream = zlibSync(sample(10_000, 3), { level: 6 });
    expect(() => zlibStreamLength(stream, 0, Infinity, { steps: 100 })).toThrow(DecodeAllowanceExceeded);
  });
});
