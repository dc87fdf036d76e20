import { Inflate } from 'fflate';
import { CsrnetError } from '../errors.js';
import { formatCount, limitExceeded, MIN_INFLATED_BYTES } from '../limits.js';

/** One file in a zip archive, as its central directory describes it. */
export interface ZipEntryInfo {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  flags: number;
  compressedSize: number;
  /** The uncompressed size the directory declares. */
  size: number;
  /** Where the entry's local header starts. */
  headerOffset: number;
}

/**
 * DEFLATE's largest possible expansion: a 258-byte match coded in 2 bits.
 * An entry declaring more than this per compressed byte is lying.
 */
export const DEFLATE_MAX_RATIO = 1032;
// fflate emits each pushed chunk's output at once, so this bounds what one push allocates (16 KiB × 1032).
const INFLATE_CHUNK = 16 * 1024;

const utf8 = new TextDecoder('utf-8');
const cp437ish = new TextDecoder('latin1');

const damaged = (source: string | undefined, reason: string): CsrnetError =>
  new CsrnetError('WEIGHTS_FORMAT', source, `the zip archive is damaged or truncated (${reason}); was the download or copy interrupted?`);

/**
 * Reads a zip archive's central directory — ZIP64 too, which torch.save
 * always writes — without reading or inflating any entry. Every offset and
 * count is checked against the file, so a damaged directory is a
 * `WEIGHTS_FORMAT` error, never a read out of bounds.
 */
export function readZipDirectory(bytes: Uint8Array, source: string | undefined): Map<string, ZipEntryInfo> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  const u64 = (at: number): number => {
    const value = view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw damaged(source, `a ZIP64 field at byte ${at} is ${value}`);
    return Number(value);
  };

  // The end record sits in the last 22 bytes plus a comment of up to 64 KiB.
  let end = -1;
  for (let at = bytes.length - 22; at >= 0 && at >= bytes.length - 22 - 0xffff; at--) {
    if (u32(at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) throw damaged(source, 'no end of central directory record');
  let count = u16(end + 10);
  let directorySize = u32(end + 12);
  let directoryOffset = u32(end + 16);
  if (end >= 20 && u32(end - 20) === 0x07064b50) {
    const zip64End = u64(end - 12);
    if (zip64End + 56 > end || u32(zip64End) !== 0x06064b50) throw damaged(source, 'the ZIP64 end record is missing');
    count = u64(zip64End + 32);
    directorySize = u64(zip64End + 40);
    directoryOffset = u64(zip64End + 48);
  }
  const directoryEnd = directoryOffset + directorySize;
  if (directoryEnd > bytes.length || count > directorySize / 46) {
    throw damaged(source, `the directory claims ${count} entries in bytes ${directoryOffset}..${directoryEnd} of a ${bytes.length}-byte file`);
  }

  const entries = new Map<string, ZipEntryInfo>();
  let at = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directoryEnd || u32(at) !== 0x02014b50) throw damaged(source, `directory entry ${i} at byte ${at} is not a directory record`);
    const flags = u16(at + 8);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const next = at + 46 + nameLength + extraLength + u16(at + 32);
    if (next > directoryEnd) throw damaged(source, `directory entry ${i} at byte ${at} runs past the directory`);
    const rawName = bytes.subarray(at + 46, at + 46 + nameLength);
    const name = (flags & 0x800 ? utf8 : cp437ish).decode(rawName);
    let compressedSize = u32(at + 20);
    let size = u32(at + 24);
    let headerOffset = u32(at + 42);
    if (compressedSize === 0xffffffff || size === 0xffffffff || headerOffset === 0xffffffff) {
      // ZIP64 extra field 0x0001: the 64-bit values, in this order, of the fields that are all ones.
      let field = at + 46 + nameLength;
      const extraEnd = field + extraLength;
      while (field + 4 <= extraEnd && u16(field) !== 0x0001) field += 4 + u16(field + 2);
      if (field + 4 > extraEnd) throw damaged(source, `entry ${name} has no ZIP64 sizes`);
      let value = field + 4;
      const wide = (): number => {
        if (value + 8 > extraEnd) throw damaged(source, `entry ${name} has a short ZIP64 field`);
        value += 8;
        return u64(value - 8);
      };
      if (size === 0xffffffff) size = wide();
      if (compressedSize === 0xffffffff) compressedSize = wide();
      if (headerOffset === 0xffffffff) headerOffset = wide();
    }
    if (entries.has(name)) throw new CsrnetError('WEIGHTS_FORMAT', source, `the zip archive holds ${name} twice; which one torch would read is undefined`);
    entries.set(name, { name, method: u16(at + 10), flags, compressedSize, size, headerOffset });
    at = next;
  }
  return entries;
}

/**
 * The inflated-size budget of one archive: the entries read may together
 * inflate to `maxInflationRatio` × the file's size (at least
 * {@link MIN_INFLATED_BYTES}). Stored entries cost nothing: they are views
 * of the file.
 */
export class InflateBudget {
  private used = 0;
  readonly allowed: number;

  constructor(
    private readonly fileBytes: number,
    private readonly maxInflationRatio: number,
    private readonly source: string | undefined,
  ) {
    this.allowed = Math.max(fileBytes * maxInflationRatio, MIN_INFLATED_BYTES);
  }

  charge(entry: ZipEntryInfo): void {
    this.used += entry.size;
    if (this.used <= this.allowed) return;
    throw limitExceeded(
      this.source,
      `the entries read would inflate to ${formatCount(this.used)} bytes (${entry.name} declares ${formatCount(entry.size)}), ` +
        `more than ${this.maxInflationRatio} × this ${formatCount(this.fileBytes)}-byte file (${formatCount(this.allowed)} bytes; torch.save does not compress at all)`,
      'maxInflationRatio',
      this.maxInflationRatio,
      this.used / this.fileBytes,
    );
  }
}

/**
 * One entry's bytes: a view of the file when stored, or inflated into a
 * buffer of exactly its declared size — which is first checked against its
 * compressed size and `budget` — stopping as soon as the stream yields more.
 */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntryInfo, source: string | undefined, budget: InflateBudget): Uint8Array {
  const { name, method, compressedSize, size, headerOffset } = entry;
  if (entry.flags & 1) throw new CsrnetError('WEIGHTS_FORMAT', source, `zip entry ${name} is encrypted; torch.save never encrypts, so re-save or re-zip the checkpoint without a password`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (headerOffset + 30 > bytes.length || view.getUint32(headerOffset, true) !== 0x04034b50) throw damaged(source, `entry ${name} has no local header at byte ${headerOffset}`);
  const dataStart = headerOffset + 30 + view.getUint16(headerOffset + 26, true) + view.getUint16(headerOffset + 28, true);
  if (dataStart + compressedSize > bytes.length) {
    throw damaged(source, `entry ${name} needs bytes ${dataStart}..${dataStart + compressedSize} of a ${bytes.length}-byte file`);
  }
  const compressed = bytes.subarray(dataStart, dataStart + compressedSize);
  if (method === 0) {
    if (size !== compressedSize) throw damaged(source, `stored entry ${name} declares ${size} bytes but holds ${compressedSize}`);
    return compressed;
  }
  if (method !== 8) {
    throw new CsrnetError('WEIGHTS_FORMAT', source, `zip entry ${name} uses compression method ${method}; only stored (torch.save's) and deflated entries are supported, so re-zip it with deflate`);
  }
  if (size > compressedSize * DEFLATE_MAX_RATIO + 64) {
    throw damaged(source, `entry ${name} declares ${formatCount(size)} bytes from ${formatCount(compressedSize)} compressed, more than DEFLATE can expand (${DEFLATE_MAX_RATIO}:1)`);
  }
  budget.charge(entry);
  const out = new Uint8Array(size);
  let filled = 0;
  const inflate = new Inflate((chunk) => {
    if (filled + chunk.length > size) throw damaged(source, `entry ${name} inflates to more than the ${formatCount(size)} bytes it declares`);
    out.set(chunk, filled);
    filled += chunk.length;
  });
  try {
    for (let at = 0; at < compressed.length; at += INFLATE_CHUNK) {
      const last = at + INFLATE_CHUNK >= compressed.length;
      inflate.push(compressed.subarray(at, at + INFLATE_CHUNK), last);
    }
    if (compressed.length === 0) inflate.push(compressed, true);
  } catch (error) {
    if (error instanceof CsrnetError) throw error;
    throw damaged(source, `entry ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (filled !== size) throw damaged(source, `entry ${name} inflates to ${formatCount(filled)} bytes, not the ${formatCount(size)} it declares`);
  return out;
}
