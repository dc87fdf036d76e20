// An HDF5 file whose one compressed chunk inflates to far more than the chunk
// declares, built at test time (never committed): h5wasm writes a dataset of
// one chunk, then the chunk's entry in the version-1 B-tree is pointed at a
// zlib bomb appended to the file, and the superblock's end-of-file moved.
import { readFile, writeFile } from 'node:fs/promises';
import h5wasm from 'h5wasm/node';
import { zlibBomb } from './zlib-bomb.js';

/**
 * Writes `path`: a dataset `name` of `shape` float32 zeros in one deflated
 * chunk, whose stored stream inflates to `inflated` bytes of zeros.
 */
export async function writeHdf5ChunkBomb(path: string, name: string, shape: number[], inflated: number): Promise<void> {
  await h5wasm.ready;
  const values = shape.reduce((a, b) => a * b, 1);
  // Earliest format bounds: superblock version 0 and a version-1 B-tree of chunks.
  const file = new h5wasm.File(path, 'w', { libver: ['earliest', 'v110'] });
  try {
    file.create_dataset({ name, data: new Float32Array(values), shape, dtype: '<f', chunks: shape, compression: 9 });
  } finally {
    file.close();
  }
  const original = new Uint8Array(await readFile(path));
  const tree = chunkTree(original);
  const bomb = zlibBomb(Uint8Array.of(0), inflated).stream;
  const bytes = new Uint8Array(original.length + bomb.length);
  bytes.set(original);
  bytes.set(bomb, original.length);
  const view = new DataView(bytes.buffer);
  // B-tree node: "TREE", type, level, entries (2), left and right siblings (8 each), then key 0 and child 0.
  const key = tree + 24;
  view.setUint32(key, bomb.length, true); // the chunk's stored size
  view.setBigUint64(key + 8 + 8 * (shape.length + 1), BigInt(original.length), true); // its address
  view.setBigUint64(40, BigInt(bytes.length), true); // superblock v0: end-of-file address
  await writeFile(path, bytes);
}

/** Offset of the B-tree node of raw-data chunks (node type 1). */
function chunkTree(bytes: Uint8Array): number {
  for (let at = 0; at + 5 < bytes.length; at++) {
    if (bytes[at] === 0x54 && bytes[at + 1] === 0x52 && bytes[at + 2] === 0x45 && bytes[at + 3] === 0x45 && bytes[at + 4] === 1) return at;
  }
  throw new Error('writeHdf5ChunkBomb: no chunk B-tree in the file h5wasm wrote');
}
