/**
 * IEEE 754 half precision (torch.float16) to a JS number. Written out by hand
 * because DataView.getFloat16 is not in Node 20 or most browsers yet.
 */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** bfloat16 is the top half of a float32, so widening is a 16-bit shift. */
export function bfloat16ToNumber(bits: number, scratch: DataView): number {
  scratch.setUint32(0, bits << 16);
  return scratch.getFloat32(0);
}
