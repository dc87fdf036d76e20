import { constants, crc32, deflateRawSync } from 'node:zlib';
import { concatBytes } from './arrays.mjs';

/** A zip entry: raw bytes stored as they are, or an already deflated stream with the size and CRC it inflates to. */
export type ZipEntry =
  | { name: string; data: Uint8Array }
  | { name: string; deflated: Uint8Array; size: number; crc: number };

/**
 * Writes a plain (non-ZIP64) zip archive of `entries` in order, so tests can
 * give an entry any compressed stream and declared size — a bomb included —
 * without holding its inflated bytes. Sizes must stay below 4 GiB.
 */
export function zipArchive(entries: ZipEntry[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = new TextEncoder().encode(entry.name);
    const stored = 'data' in entry;
    const body = stored ? entry.data : entry.deflated;
    const size = stored ? entry.data.length : entry.size;
    const crc = stored ? crc32(entry.data) : entry.crc;
    const fields = (h: DataView, at: number): void => {
      h.setUint16(at, 20, true); // version needed
      h.setUint16(at + 2, 0x800, true); // UTF-8 names
      h.setUint16(at + 4, stored ? 0 : 8, true);
      h.setUint32(at + 10, crc >>> 0, true);
      h.setUint32(at + 14, body.length, true);
      h.setUint32(at + 18, size, true);
      h.setUint16(at + 22, name.length, true);
    };
    const local = new Uint8Array(30 + name.length);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    fields(l, 4);
    local.set(name, 30);
    const record = new Uint8Array(46 + name.length);
    const c = new DataView(record.buffer);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    fields(c, 6);
    c.setUint32(42, offset, true);
    record.set(name, 46);
    locals.push(local, body);
    central.push(record);
    offset += local.length + body.length;
  }
  const directory = concatBytes(...central);
  const end = new Uint8Array(22);
  const e = new DataView(end.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, entries.length, true);
  e.setUint16(10, entries.length, true);
  e.setUint32(12, directory.length, true);
  e.setUint32(16, offset, true);
  return concatBytes(...locals, directory, end);
}

const CHUNK = 8 << 20;

/**
 * A raw DEFLATE stream of `size` zero bytes (a multiple of 8 MiB) that is
 * about 1/1000 of that, built without holding `size` bytes: one compressed
 * 8 MiB block, then a block compressed against a window of zeros repeated
 * (valid after any zeros), then an empty final block.
 */
export function deflatedZeros(size: number): { deflated: Uint8Array; size: number; crc: number } {
  if (size % CHUNK !== 0 || size <= 0) throw new Error(`deflatedZeros: size must be a positive multiple of ${CHUNK}`);
  const zeros = new Uint8Array(CHUNK);
  const options = { level: 9, finishFlush: constants.Z_SYNC_FLUSH };
  const first = deflateRawSync(zeros, options);
  const again = deflateRawSync(zeros, { ...options, dictionary: new Uint8Array(32768) });
  const blocks = size / CHUNK;
  const parts: Uint8Array[] = [first];
  let crc = crc32(zeros);
  for (let i = 1; i < blocks; i++) {
    parts.push(again);
    crc = crc32(zeros, crc);
  }
  parts.push(Uint8Array.of(0x03, 0x00));
  return { deflated: concatBytes(...parts), size, crc };
}
