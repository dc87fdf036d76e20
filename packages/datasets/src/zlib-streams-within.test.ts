import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { zlibBomb } from '../test/zlib-bomb.js';
import { zlibStreamsWithin } from './zlib-streams-within.js';
import { concatBytes } from '@crowd/test-utils';


describe('zlibStreamsWithin', () => {
  it('sums every stream in the bytes, wherever they lie, against the budget', () => {
    const a = zlibSync(new Uint8Array(40_000).fill(1), { level: 9 });
    const b = zlibSync(new Uint8Array(60_000).fill(2), { level: 1 });
    const file = concatBytes(new Uint8Array(100).fill(0x55), a, new Uint8Array(33), b, new Uint8Array(5));
    expect(zlibStreamsWithin(file, 100_000)).toBe(true);
    expect(zlibStreamsWithin(file, 99_999)).toBe(false);
    expect(zlibStreamsWithin(new Uint8Array(1000), 0)).toBe(true);
  });

  it('finds streams with a smaller window too (0x68, 0x58, …: zlib accepts them)', () => {
    const stream = zlibSync(new Uint8Array(50_000), { level: 6 });
    // CINFO 6 (a 16 KB window) with a recomputed header check.
    const cmf = 0x68;
    const flg = (stream[1] & 0xe0) + (31 - ((cmf * 256 + (stream[1] & 0xe0)) % 31));
    const small = concatBytes(Uint8Array.of(cmf, flg), stream.subarray(2));
    expect(zlibStreamsWithin(small, 49_999)).toBe(false);
    expect(zlibStreamsWithin(small, 50_000)).toBe(true);
  });

  it('stops a 1 GiB bomb at the budget', () => {
    const { stream } = zlibBomb(Uint8Array.of(0), 1 << 30);
    expect(zlibStreamsWithin(concatBytes(new Uint8Array(10), stream), 1 << 20)).toBe(false);
  });

  it('refuses bytes that decode at length from many starts, in linear time (stored blocks that each hold the next header)', () => {
    // Non-final stored blocks of 2 bytes, each holding 0x78 0x01: every header starts a valid walk to the end.
    const unit = Uint8Array.of(0x00, 0x02, 0x00, 0xfd, 0xff, 0x78, 0x01);
    const file = new Uint8Array(2 + unit.length * 200_000);
    file.set([0x78, 0x01]);
    for (let i = 0; i < 200_000; i++) file.set(unit, 2 + i * unit.length);
    expect(zlibStreamsWithin(file, 1 << 26)).toBe(false);
  });
});
