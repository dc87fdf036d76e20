// Builds zlib streams that inflate to far more than they hold, at test time
// (never committed): a prefix stored as is, then zero bytes written as
// repeated <length 258, distance 1> matches with DEFLATE's fixed Huffman
// codes, 13 bits per 258 bytes (about 159:1).

/** Writes bits least significant first, as DEFLATE packs them. */
class BitWriter {
  private readonly bytes: number[] = [];
  private bit = 0;

  bits(value: number, count: number): this {
    for (let i = 0; i < count; i++) {
      if (this.bit === 0) this.bytes.push(0);
      this.bytes[this.bytes.length - 1] |= ((value >>> i) & 1) << this.bit;
      this.bit = (this.bit + 1) % 8;
    }
    return this;
  }

  /** A Huffman code, which DEFLATE writes most significant bit first. */
  code(value: number, count: number): this {
    for (let i = count - 1; i >= 0; i--) this.bits((value >>> i) & 1, 1);
    return this;
  }

  /** One <258, 1> match: length code 285 (8 bits, no extra), distance code 0 (5 bits). */
  match(): this {
    return this.code(0b11000101, 8).code(0, 5);
  }

  get aligned(): boolean {
    return this.bit === 0;
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** Adler-32 of `prefix` followed by `zeros` zero bytes. */
function adler32(prefix: Uint8Array, zeros: number): number {
  let a = 1;
  let b = 0;
  for (const byte of prefix) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  // Each zero leaves a as it is and adds a to b.
  b = (b + (zeros % 65521) * a) % 65521;
  return ((b << 16) | a) >>> 0;
}

/** A zlib stream and the number of bytes it inflates to. */
export interface ZlibBomb {
  stream: Uint8Array;
  inflatedLength: number;
}

/**
 * A valid zlib stream that inflates to `prefix` (which must end with a zero
 * byte, the first match's source) and then at least `minZeros` zero bytes.
 */
export function zlibBomb(prefix: Uint8Array, minZeros: number): ZlibBomb {
  if (prefix.length === 0 || prefix.length > 0xffff || prefix[prefix.length - 1] !== 0) throw new Error('zlibBomb: the prefix must be 1 to 65535 bytes ending with 0');
  // zlib header, a stored (non-final) block with the prefix, then the final fixed-Huffman block.
  const head = new BitWriter().bits(0x78, 8).bits(0x01, 8).bits(0, 3);
  const aligned = new BitWriter().bits(prefix.length, 16).bits(~prefix.length & 0xffff, 16);
  for (const byte of prefix) aligned.bits(byte, 8);
  // 3 header bits plus one 13-bit match end on a byte boundary; 8 more matches are 13 whole bytes.
  aligned.bits(1, 1).bits(1, 2).match();
  const period = new BitWriter();
  for (let i = 0; i < 8; i++) period.match();
  if (!aligned.aligned || !period.aligned) throw new Error('zlibBomb: bit arithmetic');
  const repeats = Math.max(0, Math.ceil((minZeros - 258) / (8 * 258)));
  const zeros = 258 + repeats * 8 * 258;
  const adler = adler32(prefix, zeros);
  const tail = new BitWriter().code(0, 7); // end of block
  const tailBytes = Uint8Array.of(...tail.toBytes(), adler >>> 24, (adler >>> 16) & 0xff, (adler >>> 8) & 0xff, adler & 0xff);

  const headBytes = head.toBytes();
  const alignedBytes = aligned.toBytes();
  const periodBytes = period.toBytes();
  const stream = new Uint8Array(headBytes.length + alignedBytes.length + repeats * periodBytes.length + tailBytes.length);
  stream.set(headBytes);
  stream.set(alignedBytes, headBytes.length);
  let pos = headBytes.length + alignedBytes.length;
  for (let r = 0; r < repeats; r++, pos += periodBytes.length) stream.set(periodBytes, pos);
  stream.set(tailBytes, pos);
  return { stream, inflatedLength: prefix.length + zeros };
}
