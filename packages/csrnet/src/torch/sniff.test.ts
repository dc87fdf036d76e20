import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CsrnetError } from '../errors.js';
import { readTorchCheckpoint } from './checkpoint.js';
import { sniffCheckpoint } from './sniff.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function tarArchive(): Uint8Array {
  const tar = new Uint8Array(1024);
  tar.set(text('model_best.pth.tar'), 0);
  tar.set(text('ustar\u000000'), 257);
  return tar;
}

describe('sniffCheckpoint', () => {
  it('recognises both torch containers', () => {
    expect(sniffCheckpoint(Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0))).toEqual({ kind: 'zip' });
    expect(sniffCheckpoint(Uint8Array.of(0x80, 0x02, 0x8a, 0x0a))).toEqual({ kind: 'pickle' });
    expect(sniffCheckpoint(Uint8Array.of(0x80, 0x04, 0x95))).toEqual({ kind: 'pickle' });
    expect(sniffCheckpoint(Uint8Array.of(0x80))).toEqual({ kind: 'pickle' }); // truncated: the pickle reader says so
  });

  it.each([
    ['an empty file', new Uint8Array(0), 'the file is empty (0 bytes)'],
    ['an HTML error page', text('<!DOCTYPE html>\n<html><head><title>Sign in</title>'), 'this looks like an HTML page, not a PyTorch checkpoint — the download probably failed'],
    ['HTML with a BOM and whitespace', text('\ufeff\n  <HTML lang="en">'), 'this looks like an HTML page'],
    ['an HTML fragment', text('<head><meta charset="utf-8">'), 'this looks like an HTML page'],
    ['a cloud storage error', text('<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>'), 'XML document'],
    ['a JSON response', text('{"error": "quota exceeded"}'), 'JSON document'],
    ['a gzip file', gzipSync(text('checkpoint')), 'gzip-compressed file'],
    ['a tar archive', tarArchive(), 'this is a tar archive'],
    ['an HDF5 file', Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0), 'vggFrontendFromKerasH5'],
    ['a .npy array', Uint8Array.of(0x93, ...text('NUMPY'), 1, 0), 'NumPy .npy array'],
    ['anything else', Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5), 'this is not a PyTorch checkpoint: it starts with bytes de ad be ef 01 02 03 04'],
  ])('explains %s', (_, bytes, message) => {
    const sniffed = sniffCheckpoint(bytes);
    expect('notCheckpoint' in sniffed && sniffed.notCheckpoint).toContain(message);
    let error: unknown;
    try {
      readTorchCheckpoint(bytes, 'model_best.pth.tar');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CsrnetError);
    expect(error).toMatchObject({ code: 'WEIGHTS_FORMAT', file: 'model_best.pth.tar' });
    expect((error as Error).message).toContain(message);
  });
});
