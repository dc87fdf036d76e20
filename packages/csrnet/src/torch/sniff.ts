/**
 * What kind of container `bytes` is — a zip (torch >= 1.6) or a pickle stream
 * (the legacy format, whose magic number the legacy reader checks) — or a
 * sentence saying what the file is instead (an HTML error page, a gzip, ...)
 * so the user learns why it did not load.
 */
export function sniffCheckpoint(bytes: Uint8Array): { kind: 'zip' | 'pickle' } | { notCheckpoint: string } {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return { kind: 'zip' };
  // PROTO 2-5: torch's legacy writer uses protocol 2 unless pickle_protocol says otherwise.
  if (bytes[0] === 0x80 && (bytes.length === 1 || (bytes[1] >= 2 && bytes[1] <= 5))) return { kind: 'pickle' };
  return { notCheckpoint: describeUnexpectedFile(bytes, 'a PyTorch checkpoint') };
}

/**
 * A sentence saying what a file that is not `expected` (e.g. "a PyTorch
 * checkpoint") is instead, aimed at the usual culprit: a failed download.
 */
export function describeUnexpectedFile(bytes: Uint8Array, expected: string): string {
  if (bytes.length === 0) return 'the file is empty (0 bytes) — the download or copy probably failed';
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 512)).replace(/^(\u00ef\u00bb\u00bf)?\s*/, '').toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || /^<(head|body|meta|title)\b/.test(head)) {
    return `this looks like an HTML page, not ${expected} — the download probably failed (a login, quota or "virus scan" page was saved instead); download the file again from a browser and check its size`;
  }
  if (head.startsWith('<?xml') || head.startsWith('<error')) {
    return `this is an XML document (typically a cloud storage "AccessDenied"/"NoSuchKey" error), not ${expected} — the download failed`;
  }
  if (head.startsWith('{') || head.startsWith('[')) {
    return `this is a JSON document, not ${expected} — an error response or a manifest was saved instead of the weights file`;
  }
  if (startsWith(bytes, [0x1f, 0x8b])) {
    return `this is a gzip-compressed file, not ${expected} — decompress it first (gunzip / tar -xzf) and load the file inside`;
  }
  if (bytes.length >= 262 && new TextDecoder('latin1').decode(bytes.subarray(257, 262)) === 'ustar') {
    return `this is a tar archive, not ${expected} — despite the usual ".pth.tar" name, PyTorch checkpoints are not tar files; extract the archive, or this is a torch < 0.1.10 checkpoint, which is not supported`;
  }
  if (startsWith(bytes, HDF5_SIGNATURE)) {
    return `this is an HDF5 file, not ${expected} — Keras weights (.h5) are imported with vggFrontendFromKerasH5`;
  }
  if (startsWith(bytes, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) return `this is a NumPy .npy array, not ${expected}`;
  const hex = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `this is not ${expected}: it starts with bytes ${hex}, which no format this reader knows starts with`;
}

/** What every HDF5 file (Keras .h5 weights) starts with. */
export const HDF5_SIGNATURE = Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a);

export function startsWith(bytes: Uint8Array, prefix: ArrayLike<number>): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
