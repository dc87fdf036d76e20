// Measures what a zlib stream inflates to without inflating it: the DEFLATE
// structure is decoded (block headers, Huffman codes, lengths and distances,
// after Mark Adler's puff.c), and only the output's length is kept. It
// allocates nothing per stream, stops as soon as the length passes a limit,
// and says where the stream ends.

const MAX_BITS = 15;
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/** The order in which a dynamic block lists the code lengths of its code-length code. */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A canonical Huffman code: how many codes of each length, and the symbols in code order. */
interface Huffman {
  count: Uint16Array;
  symbol: Uint16Array;
}

/** Not a valid stream. */
class Invalid extends Error {}

/**
 * Decoding steps (symbols, blocks) a caller allows over several streams.
 * Overlapping false starts can make bytes decode once per start; a shared
 * allowance keeps a scan linear in its input whatever the bytes hold.
 */
export interface DecodeAllowance {
  steps: number;
}

/** The allowance ran out; what was measured so far is unreliable. */
export class DecodeAllowanceExceeded extends Error {}

function huffman(lengths: ArrayLike<number>, n: number): Huffman {
  const count = new Uint16Array(MAX_BITS + 1);
  for (let i = 0; i < n; i++) count[lengths[i]]++;
  let left = 1;
  for (let len = 1; len <= MAX_BITS; len++) {
    left = 2 * left - count[len];
    if (left < 0) throw new Invalid(); // over-subscribed
  }
  const offsets = new Uint16Array(MAX_BITS + 1);
  for (let len = 1; len < MAX_BITS; len++) offsets[len + 1] = offsets[len] + count[len];
  const symbol = new Uint16Array(n);
  for (let i = 0; i < n; i++) if (lengths[i] !== 0) symbol[offsets[lengths[i]]++] = i;
  count[0] = 0;
  return { count, symbol };
}

const FIXED_LENGTHS = huffman(
  Array.from({ length: 288 }, (_, i) => (i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8)),
  288,
);
const FIXED_DISTANCES = huffman(new Array<number>(30).fill(5), 30);

class BitReader {
  private bit = 0;
  private buffer = 0;

  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
    private readonly allowance: DecodeAllowance,
  ) {}

  /** Counts one decoding step against the allowance. */
  step(): void {
    if (--this.allowance.steps < 0) throw new DecodeAllowanceExceeded();
  }

  bits(count: number): number {
    let value = this.buffer;
    while (this.bit < count) {
      if (this.pos >= this.bytes.length) throw new Invalid();
      value |= this.bytes[this.pos++] << this.bit;
      this.bit += 8;
    }
    this.buffer = value >>> count;
    this.bit -= count;
    return value & ((1 << count) - 1);
  }

  /** Drops the bits left in the current byte. */
  align(): void {
    this.buffer = 0;
    this.bit = 0;
  }

  decode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len <= MAX_BITS; len++) {
      code |= this.bits(1);
      const count = h.count[len];
      if (code - count < first) return h.symbol[index + (code - first)];
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new Invalid();
  }
}

/** A measured stream: what it inflates to and the offset just past it (its Adler-32 included). */
export interface ZlibStreamLength {
  length: number;
  end: number;
}

/**
 * The length a zlib stream starting at `at` inflates to, and where it ends;
 * undefined when the bytes there are not a valid stream. Stops once the
 * length passes `limit`, returning that length and `end: -1`.
 *
 * @throws DecodeAllowanceExceeded when decoding takes more than `allowance.steps`.
 */
export function zlibStreamLength(bytes: Uint8Array, at: number, limit: number, allowance: DecodeAllowance): ZlibStreamLength | undefined {
  if (at + 2 > bytes.length) return undefined;
  const cmf = bytes[at];
  const flg = bytes[at + 1];
  // Deflate with a window of at most 32 KB, a valid header check, no preset dictionary.
  if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7 || (cmf * 256 + flg) % 31 !== 0 || (flg & 0x20) !== 0) return undefined;
  const window = 1 << ((cmf >> 4) + 8);
  const reader = new BitReader(bytes, at + 2, allowance);
  let length = 0;
  try {
    for (let final = 0; final === 0; ) {
      reader.step();
      final = reader.bits(1);
      const type = reader.bits(2);
      if (type === 0) {
        reader.align();
        if (reader.pos + 4 > bytes.length) return undefined;
        const stored = bytes[reader.pos] | (bytes[reader.pos + 1] << 8);
        const check = bytes[reader.pos + 2] | (bytes[reader.pos + 3] << 8);
        if ((stored ^ 0xffff) !== check || reader.pos + 4 + stored > bytes.length) return undefined;
        reader.pos += 4 + stored;
        length += stored;
      } else if (type === 1) {
        length = codes(reader, FIXED_LENGTHS, FIXED_DISTANCES, length, limit, window);
      } else if (type === 2) {
        const [lengths, distances] = dynamicCodes(reader);
        length = codes(reader, lengths, distances, length, limit, window);
      } else {
        return undefined;
      }
      if (length > limit) return { length, end: -1 };
    }
  } catch (error) {
    if (error instanceof Invalid) return undefined;
    throw error;
  }
  reader.align();
  const end = reader.pos + 4;
  return end > bytes.length ? undefined : { length, end };
}

function dynamicCodes(reader: BitReader): [Huffman, Huffman] {
  const nlen = reader.bits(5) + 257;
  const ndist = reader.bits(5) + 1;
  const ncode = reader.bits(4) + 4;
  if (nlen > 286 || ndist > 30) throw new Invalid();
  const lengths = new Uint8Array(320);
  for (let i = 0; i < ncode; i++) lengths[CODE_LENGTH_ORDER[i]] = reader.bits(3);
  const codeLengths = huffman(lengths, 19);
  lengths.fill(0);
  for (let i = 0; i < nlen + ndist; ) {
    const symbol = reader.decode(codeLengths);
    if (symbol < 16) {
      lengths[i++] = symbol;
      continue;
    }
    let value = 0;
    let repeat: number;
    if (symbol === 16) {
      if (i === 0) throw new Invalid();
      value = lengths[i - 1];
      repeat = 3 + reader.bits(2);
    } else {
      repeat = symbol === 17 ? 3 + reader.bits(3) : 11 + reader.bits(7);
    }
    if (i + repeat > nlen + ndist) throw new Invalid();
    while (repeat-- > 0) lengths[i++] = value;
  }
  if (lengths[256] === 0) throw new Invalid(); // no end-of-block code
  return [huffman(lengths, nlen), huffman(lengths.subarray(nlen), ndist)];
}

/** Decodes one block's symbols; returns the output length after it. */
function codes(reader: BitReader, lengths: Huffman, distances: Huffman, length: number, limit: number, window: number): number {
  for (;;) {
    reader.step();
    const symbol = reader.decode(lengths);
    if (symbol < 256) {
      length++;
    } else if (symbol === 256) {
      return length;
    } else {
      const s = symbol - 257;
      if (s >= 29) throw new Invalid();
      const copy = LENGTH_BASE[s] + reader.bits(LENGTH_EXTRA[s]);
      const d = reader.decode(distances);
      if (d >= 30) throw new Invalid();
      const distance = DIST_BASE[d] + reader.bits(DIST_EXTRA[d]);
      // A distance reaching before the output's start (or the window) is what ends a false start.
      if (distance > length || distance > window) throw new Invalid();
      length += copy;
    }
    if (length > limit) return length;
  }
}
