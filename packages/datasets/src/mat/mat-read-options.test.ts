import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zlibSync } from 'fflate';
import h5wasm from 'h5wasm/node';
import { concatBytes } from '@crowd/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError, LimitExceededError, MatFormatError } from '../errors.js';
import { ucfPoints } from '../ucf-points.js';
import { element, matFile, matrix } from '../../test/fixtures/mat/v5-writer.js';
import { writeHdf5ChunkBomb } from '../../test/hdf5-chunk-bomb.js';
import { GIB, peakRss } from '../../test/peak-memory.js';
import { zlibBomb } from '../../test/zlib-bomb.js';
import { MAT_READ_DEFAULTS, resolveMatReadOptions } from './mat-read-options.js';
import { parseMatV5 } from './parse-mat-v5.js';
import { readMat } from './read-mat.js';

const MiB = 1024 * 1024;

function u32(...values: number[]): Uint8Array {
  return new Uint8Array(Uint32Array.from(values).buffer);
}

/** An miCOMPRESSED element around a zlib stream. */
function compressed(stream: Uint8Array): Uint8Array {
  return concatBytes(u32(15, stream.length), stream);
}

/**
 * The start of a double N×1 matrix `x` (miMATRIX tag, flags, dims, name, data
 * tag), whose `8·rows` bytes of data a bomb then supplies as zeros.
 */
function zeroMatrixHead(rows: number): Uint8Array {
  const dims = element(5, new Uint8Array(Int32Array.of(rows, 1).buffer));
  const body = concatBytes(element(6, u32(6, 0)), dims, element(1, new TextEncoder().encode('x')), u32(9, 8 * rows));
  return concatBytes(u32(14, body.length + 8 * rows), body);
}

/** The error `run` throws. */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, but the file parsed');
}

describe('MAT read budgets', () => {
  it('has documented defaults and rejects non-positive values', () => {
    expect(MAT_READ_DEFAULTS).toEqual({ maxInflatedBytes: 64 * MiB, maxInflateRatio: 100, ratioFreeBytes: 4 * MiB });
    expect(resolveMatReadOptions({ maxInflateRatio: 1032 })).toEqual({ ...MAT_READ_DEFAULTS, maxInflateRatio: 1032 });
    for (const bad of [0, -1, Number.NaN]) {
      expect(() => resolveMatReadOptions({ maxInflatedBytes: bad })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    }
    expect(() => resolveMatReadOptions({ ratioFreeBytes: '4' as unknown as number })).toThrow(/ratioFreeBytes must be a positive number/);
  });

  it('refuses a 6.8 MB zlib bomb declaring 1 GiB before inflating it, naming the budget', () => {
    const declared = GIB;
    const bomb = zlibBomb(concatBytes(u32(14, declared - 8), Uint8Array.of(0)), declared);
    expect(bomb.stream.length).toBeLessThan(7 * MiB);
    const error = thrown(() => parseMatV5(matFile(compressed(bomb.stream)), 'bomb.mat'));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error).toMatchObject({ code: 'LIMIT_EXCEEDED', file: 'bomb.mat', option: 'maxInflatedBytes', limit: 64 * MiB, needed: declared });
    expect((error as Error).message).toBe(
      'bomb.mat: the miCOMPRESSED element at byte 128 declares 1073741824 bytes inflated, over the budget of 67108864 bytes per file (MAT read option maxInflatedBytes)',
    );
    expect(peakRss()).toBeLessThan(GIB);
  });

  it('stops inflating a stream that runs on past the element it declares (1 GiB of zeros behind a 1000-byte element)', () => {
    const bomb = zlibBomb(concatBytes(u32(14, 1000 - 8), Uint8Array.of(0)), GIB);
    const error = thrown(() => parseMatV5(matFile(compressed(bomb.stream)), 'bomb.mat'));
    // The 1000 bytes are zeros, not a variable: only they were inflated and parsed.
    expect(error).toBeInstanceOf(MatFormatError);
    expect((error as Error).message).toContain('expected array flags as miUINT32, found unknown data type 0');
    expect(peakRss()).toBeLessThan(GIB);
  });

  it('refuses an element above ratioFreeBytes that expands more than maxInflateRatio, and reads it when raised', () => {
    const rows = MiB; // 8 MiB of doubles from about 53 KB: 158:1
    const bomb = zlibBomb(zeroMatrixHead(rows), 8 * rows);
    const file = matFile(compressed(bomb.stream));
    const error = thrown(() => parseMatV5(file, 'dense.mat'));
    expect(error).toMatchObject({ code: 'LIMIT_EXCEEDED', option: 'maxInflateRatio', limit: 100 });
    expect((error as Error).message).toMatch(/inflates \d+ bytes to 8388672, a ratio of 159:1; above 4194304 bytes at most 100:1 is read/);
    const x = parseMatV5(file, 'dense.mat', { maxInflateRatio: 200 }).variables.get('x');
    expect(x).toMatchObject({ kind: 'numeric', class: 'double', dims: [rows, 1] });
    expect((x as { real: Float64Array }).real.every((v) => v === 0)).toBe(true);
    expect(parseMatV5(file, 'dense.mat', { ratioFreeBytes: 16 * MiB }).variables.get('x')).toMatchObject({ dims: [rows, 1] });
  });

  it('counts every compressed element of a file against maxInflatedBytes', () => {
    const part = (name: string) => compressed(zlibSync(matrix(name, 6, [40_000, 1], element(9, new Uint8Array(8 * 40_000)))));
    const file = matFile(part('a'), part('b'));
    expect([...parseMatV5(file, 'two.mat').variables.keys()]).toEqual(['a', 'b']);
    const error = thrown(() => parseMatV5(file, 'two.mat', { maxInflatedBytes: 500_000 }));
    expect(error).toMatchObject({ code: 'LIMIT_EXCEEDED', option: 'maxInflatedBytes', limit: 500_000, needed: 2 * 320_064 });
    expect((error as Error).message).toContain('declares 320064 bytes inflated, which with the 320064 bytes inflated before it is over the budget of 500000 bytes');
  });

  it('reads a 5 KB annotation of 200,000 duplicated clicks (3.2 MB inflated, under ratioFreeBytes)', async () => {
    const n = 200_000;
    const columns = new Float64Array(2 * n).fill(321.5, 0, n).fill(123.25, n);
    const bytes = matFile(compressed(zlibSync(matrix('annPoints', 6, [n, 2], element(9, new Uint8Array(columns.buffer))), { level: 9 })));
    expect(bytes.length).toBeLessThan(6000);
    const points = ucfPoints(await readMat(bytes, 'IMG_1_ann.mat'), 'IMG_1_ann.mat');
    expect(points.length).toBe(2 * n);
    expect(points.subarray(0, 4)).toEqual(Float64Array.of(321.5, 123.25, 321.5, 123.25));
  });
});

describe('MAT v7.3 read budgets', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  /** A plain HDF5 file (a MAT v7.3 file without user block) with one dataset `x`. */
  async function hdf5With(create: (file: InstanceType<typeof h5wasm.File>) => void): Promise<Uint8Array> {
    await h5wasm.ready;
    dir ??= await mkdtemp(join(tmpdir(), 'crowd-mat-v73-'));
    const path = join(dir, `file-${Math.random().toString(16).slice(2)}.mat`);
    const file = new h5wasm.File(path, 'w');
    try {
      create(file);
    } finally {
      file.close();
    }
    return new Uint8Array(await readFile(path));
  }

  it('charges compressed data to maxInflatedBytes: what its streams inflate to, and what its datasets declare', async () => {
    const bytes = await hdf5With((file) => {
      file.create_dataset({ name: 'x', data: new Float64Array(512 * 512), shape: [512, 512], dtype: '<d', chunks: [128, 128], compression: 9 });
    });
    expect(bytes.length).toBeLessThan(100_000);
    expect((await readMat(bytes, 'x.mat')).variables.get('x')).toMatchObject({ kind: 'numeric', class: 'double', dims: [512, 512] });
    const streams = await readMat(bytes, 'x.mat', { maxInflatedBytes: MiB }).catch((e: unknown) => e);
    expect(streams).toBeInstanceOf(LimitExceededError);
    expect(streams).toMatchObject({ option: 'maxInflatedBytes', limit: MiB, message: expect.stringContaining('the compressed data of this v7.3 (HDF5) file inflates to more than the budget of 1048576 bytes') });
    // Chunks never written read as fill values: nothing to inflate, but 2 MiB declared.
    const unwritten = await hdf5With((file) => {
      const x = file.create_dataset({ name: 'x', data: new Float64Array(4), shape: [2, 2], maxshape: [null, null], dtype: '<d', chunks: [2, 2], compression: 9 });
      x.resize([512, 512]);
    });
    const declared = await readMat(unwritten, 'x.mat', { maxInflatedBytes: MiB }).catch((e: unknown) => e);
    expect(declared).toMatchObject({ option: 'maxInflatedBytes', limit: MiB, needed: 2 * MiB });
    expect((declared as Error).message).toBe('x.mat: x (a compressed v7.3 dataset) declares 2097152 bytes inflated, over the budget of 1048576 bytes per file (MAT read option maxInflatedBytes)');
  });

  it('refuses a compressed chunk that inflates far past its declared size (1 GiB behind 8 values) before HDF5 inflates it', async () => {
    dir ??= await mkdtemp(join(tmpdir(), 'crowd-mat-v73-'));
    const path = join(dir, 'chunk-bomb.mat');
    await writeHdf5ChunkBomb(path, 'x', [4, 2], GIB);
    const error = await readMat(new Uint8Array(await readFile(path)), 'bomb.mat').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error).toMatchObject({ option: 'maxInflatedBytes', limit: 64 * MiB });
    expect((error as Error).message).toBe('bomb.mat: the compressed data of this v7.3 (HDF5) file inflates to more than the budget of 67108864 bytes per file (MAT read option maxInflatedBytes)');
    expect(peakRss()).toBeLessThan(GIB);
  });

  it('refuses an uncompressed dataset declaring more than the file holds (10⁶×10⁶ doubles, never allocated)', async () => {
    const bytes = await hdf5With((file) => {
      const x = file.create_dataset({ name: 'x', data: new Float64Array(4), shape: [2, 2], maxshape: [null, null], dtype: '<d', chunks: [2, 2] });
      x.resize([1e6, 1e6]);
    });
    const error = await readMat(bytes, 'huge.mat').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as Error).message).toMatch(/^huge\.mat: x: dataset declares 8000000000000 bytes, stored uncompressed, more than this \d+-byte file can hold/);
    expect(peakRss()).toBeLessThan(GIB);
  });
});
