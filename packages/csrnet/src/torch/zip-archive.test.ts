import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { deflatedZeros, fixture, zipArchive, type ZipEntry } from '@crowd/test-utils';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/csrnet-error.js';
import { DEFLATE_MAX_RATIO, InflateBudget, readZipDirectory, readZipEntry } from './zip-archive.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function readAll(bytes: Uint8Array, ratio = 16): Map<string, Uint8Array> {
  const budget = new InflateBudget(bytes.length, ratio, 'a.zip');
  return new Map([...readZipDirectory(bytes, 'a.zip')].map(([name, entry]) => [name, readZipEntry(bytes, entry, 'a.zip', budget)]));
}

/** Sets a 16- or 32-bit field of the first central directory record. */
function patchDirectory(bytes: Uint8Array, offset: number, value: number, width: 2 | 4): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const first = Buffer.from(out).indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  if (width === 2) view.setUint16(first + offset, value, true);
  else view.setUint32(first + offset, value, true);
  return out;
}

describe('readZipDirectory / readZipEntry', () => {
  it('reads the ZIP64 directory torch.save writes, stored entries as views of the file (no copy)', () => {
    const bytes = new Uint8Array(readFileSync(fixture('csrnet', 'zip', 'model_best.pth.tar')));
    const directory = readZipDirectory(bytes, 'm.pth');
    expect(directory.size).toBe(71);
    expect(directory.get('model_best.pth/data/0')).toMatchObject({ method: 0, size: 864, compressedSize: 864 });
    const data = readZipEntry(bytes, directory.get('model_best.pth/data/0')!, 'm.pth', new InflateBudget(bytes.length, 16, 'm.pth'));
    expect(data.buffer).toBe(bytes.buffer);
    expect(data.length).toBe(864);
  });

  it('inflates deflated entries to exactly their declared size', () => {
    const hello = text('hello '.repeat(1000));
    const entries: ZipEntry[] = [
      { name: 'a', data: text('stored') },
      { name: 'b', deflated: deflateRawSync(hello), size: hello.length, crc: 0 },
      { name: 'empty', deflated: deflateRawSync(new Uint8Array(0)), size: 0, crc: 0 },
    ];
    expect(readAll(zipArchive(entries))).toEqual(new Map([['a', text('stored')], ['b', hello], ['empty', new Uint8Array(0)]]));
  });

  const zeros = deflatedZeros(8 << 20);
  it.each([
    ['a stream longer than its declared size', { name: 'x', ...zeros, size: 1 << 20 }, 'entry x inflates to more than the 1,048,576 bytes it declares'],
    ['a stream shorter than its declared size', { name: 'x', ...zeros, size: (8 << 20) + 4096 }, 'entry x inflates to 8,388,608 bytes, not the 8,392,704 it declares'],
    ['a declared size DEFLATE cannot reach', { name: 'x', deflated: Uint8Array.of(3, 0), size: 3 * DEFLATE_MAX_RATIO, crc: 0 }, 'entry x declares 3,096 bytes from 2 compressed, more than DEFLATE can expand (1032:1)'],
    ['a corrupt stream', { name: 'x', deflated: Uint8Array.of(0xff, 0xff, 0xff), size: 10, crc: 0 }, 'entry x: invalid block type'],
  ])('calls %s damaged, with no more memory than declared', (_, entry, message) => {
    const error = errorOf(() => readAll(zipArchive([entry])));
    expect(error.code).toBe('WEIGHTS_FORMAT');
    expect(error.message).toBe(`a.zip: the zip archive is damaged or truncated (${message}); was the download or copy interrupted?`);
  });

  it('counts what the entries read inflate to against maxInflationRatio × the file size (at least 16 MiB)', () => {
    // 16 × this 8 kB file is far less than the 16 MiB any archive may inflate to.
    expect(readAll(zipArchive([{ name: 'x', ...deflatedZeros(16 << 20) }]), 16).get('x')!.length).toBe(16 << 20);
    const error = errorOf(() => readAll(zipArchive([{ name: 'x', ...deflatedZeros(8 << 20) }, { name: 'y', ...deflatedZeros(16 << 20) }]), 16));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toMatch(/^a\.zip: the entries read would inflate to 25,165,824 bytes \(y declares 16,777,216\), more than 16 × this [\d,]+-byte file \(16,777,216 bytes;/);
  });

  it.each([
    ['an encrypted entry', (b: Uint8Array) => patchDirectory(b, 8, 1, 2), 'zip entry a is encrypted'],
    ['another compression method', (b: Uint8Array) => patchDirectory(b, 10, 12, 2), 'zip entry a uses compression method 12; only stored'],
    ['a stored entry whose sizes differ', (b: Uint8Array) => patchDirectory(b, 24, 5, 4), 'stored entry a declares 5 bytes but holds 6'],
    ['an entry past the end of the file', (b: Uint8Array) => patchDirectory(b, 20, 1e6, 4), 'entry a needs bytes 31..1000031 of a'],
    ['a bad local header offset', (b: Uint8Array) => patchDirectory(b, 42, 7, 4), 'entry a has no local header at byte 7'],
  ])('refuses %s', (_, patch, message) => {
    const bytes = patch(zipArchive([{ name: 'a', data: text('stored') }]));
    expect(errorOf(() => readAll(bytes)).message).toContain(message);
  });

  it('refuses a directory that claims more than the file holds, and duplicate names', () => {
    const bytes = zipArchive([{ name: 'a', data: text('x') }]).slice();
    new DataView(bytes.buffer).setUint16(bytes.length - 12, 5000, true);
    expect(errorOf(() => readZipDirectory(bytes, 'a.zip')).message).toContain('the directory claims 5000 entries in bytes 32..79 of a 101-byte file');
    const twice = zipArchive([{ name: 'a', data: text('x') }, { name: 'a', data: text('y') }]);
    expect(errorOf(() => readZipDirectory(twice, 'a.zip')).message).toBe('a.zip: the zip archive holds a twice; which one torch would read is undefined');
  });
});
