import { describe, expect, it } from 'vitest';
import { bfloat16ToNumber, float16ToNumber } from './float16.js';

describe('float16ToNumber', () => {
  it.each([
    [0x0000, 0],
    [0x3c00, 1],
    [0xc000, -2],
    [0x7bff, 65504],
    [0x0001, 2 ** -24],
    [0x03ff, 1023 * 2 ** -24],
    [0x0400, 2 ** -14],
    [0x3555, 0.333251953125],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ])('0x%s → %s', (bits, value) => {
    expect(float16ToNumber(bits)).toBe(value);
  });

  it('keeps the sign of zero and decodes NaN', () => {
    expect(Object.is(float16ToNumber(0x8000), -0)).toBe(true);
    expect(float16ToNumber(0x7e00)).toBeNaN();
  });

  it('matches a bit-level half → float32 widening for all 65536 values', () => {
    // Independent reference: rebias the exponent and shift the fraction into float32 bits,
    // normalising subnormals first.
    const bits32 = new Uint32Array(1);
    const float32 = new Float32Array(bits32.buffer);
    const widen = (h: number): number => {
      const sign = (h & 0x8000) << 16;
      let exponent = (h >> 10) & 0x1f;
      let fraction = h & 0x3ff;
      if (exponent === 0x1f) bits32[0] = sign | 0x7f800000 | (fraction << 13);
      else if (exponent === 0 && fraction === 0) bits32[0] = sign;
      else {
        if (exponent === 0) {
          exponent = 1;
          while ((fraction & 0x400) === 0) {
            fraction <<= 1;
            exponent--;
          }
          fraction &= 0x3ff;
        }
        bits32[0] = sign | ((exponent - 15 + 127) << 23) | (fraction << 13);
      }
      return float32[0];
    };
    const mismatches: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const ours = float16ToNumber(h);
      const reference = widen(h);
      if (!(Object.is(ours, reference) || (Number.isNaN(ours) && Number.isNaN(reference)))) mismatches.push(h);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('bfloat16ToNumber', () => {
  const scratch = new DataView(new ArrayBuffer(4));
  it('is the top half of a float32', () => {
    expect(bfloat16ToNumber(0x3f80, scratch)).toBe(1);
    expect(bfloat16ToNumber(0xc049, scratch)).toBe(-3.140625);
    expect(bfloat16ToNumber(0x7f80, scratch)).toBe(Infinity);
    expect(bfloat16ToNumber(0x7fc0, scratch)).toBeNaN();
    expect(bfloat16ToNumber(0x0001, scratch)).toBe(2 ** -133);
  });
});
