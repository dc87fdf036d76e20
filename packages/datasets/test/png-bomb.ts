// Valid PNGs whose pixels cost far more than their bytes, built at test time
// (never committed): 8-bit RGB, every row filter 0 and all pixels black,
// compressed with zlibBomb (about 159:1).
import { crc32 } from 'node:zlib';
import { zlibBomb } from './zlib-bomb.js';
import { concatBytes } from '@crowd/test-utils';

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A black `width`×`height` RGB PNG: a 100000×2000 one is 3.8 MB and decodes to 600 MB. */
export function blackPng(width: number, height: number): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, RGB, deflate, filter method 0, no interlace
  // Each row is a filter byte (0) and 3·width zero bytes; the stream may run a few bytes past them.
  const rows = height * (1 + 3 * width);
  const { stream } = zlibBomb(Uint8Array.of(0), rows - 1);
  const parts = [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk('IHDR', header), chunk('IDAT', stream), chunk('IEND', new Uint8Array(0))];
  return concatBytes(...parts);
}
