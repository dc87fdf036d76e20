import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture } from '@crowd/test-utils';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { readDensityH5, writeDensityH5 } from './density-h5.js';
import { loadHdf5 } from './hdf5.js';
import { writeHdf5ChunkBomb } from '../../test/hdf5-chunk-bomb.js';
import { GIB, peakRss } from '../../test/peak-memory.js';

const h5Fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'h5');
const grid = Array.from({ length: 12 }, (_, i) => i * 0.25);

interface ExpectedImage {
  h5: string;
  width: number;
  height: number;
  density_dtype: 'float32' | 'float64';
  density_sum: number;
}
const expected = JSON.parse(await readFile(fixture('shanghaitech-mini-expected', 'expected.json'), 'utf8')) as { images: ExpectedImage[] };

describe('readDensityH5', () => {
  test('reads h5py-written float32 and float64 maps, keeping the precision', async () => {
    const f32 = await readDensityH5(join(h5Fixtures, 'density_f32.h5'));
    expect(f32).toEqual({ height: 3, width: 4, data: Float32Array.from(grid) });
    const f64 = await readDensityH5(join(h5Fixtures, 'density_f64.h5'));
    expect(f64).toEqual({ height: 3, width: 4, data: Float64Array.from(grid, (v) => v / 3) });
  });

  test('reads big-endian and chunked gzip datasets too', async () => {
    expect((await readDensityH5(join(h5Fixtures, 'density_f32_big_endian.h5'))).data).toEqual(Float32Array.from(grid));
    expect((await readDensityH5(join(h5Fixtures, 'density_f32_gzip.h5'))).data).toEqual(Float32Array.from(grid));
  });

  test.each(expected.images.map((image) => [image.h5, image] as const))('reads the reference density %s', async (h5, image) => {
    const map = await readDensityH5(fixture('shanghaitech-mini', h5));
    expect([map.height, map.width]).toEqual([image.height, image.width]);
    expect(map.data).toBeInstanceOf(image.density_dtype === 'float32' ? Float32Array : Float64Array);
    let sum = 0;
    for (const v of map.data) sum += v;
    expect(Math.abs(sum - image.density_sum)).toBeLessThan(1e-5 * image.density_sum);
  });

  test.each([
    ['density_int32.h5', 'expected density to be float32 or float64; found <i (HDF5 class 0, 4 bytes)'],
    ['density_3d.h5', 'expected density to be 2-D [height, width]; found shape [1, 3, 4]'],
    ['no_density.h5', 'expected a dataset named density; found top-level entries: dens'],
    ['density_is_group.h5', 'expected a dataset named density; found density is a group'],
    ['not_hdf5.h5', 'expected an HDF5 file; HDF5 cannot open it (file signature not found)'],
    ['truncated.h5', 'expected an HDF5 file; HDF5 cannot open it (truncated file: '],
  ])('%s is a DENSITY_FORMAT error naming the file', async (name, message) => {
    const path = join(h5Fixtures, name);
    await expect(readDensityH5(path)).rejects.toMatchObject({ name: 'DatasetError', code: 'DENSITY_FORMAT', file: path });
    await expect(readDensityH5(path)).rejects.toThrow(`${path}: ${message}`);
  });

  test('a missing file or a folder is a clear DENSITY_FORMAT error', async () => {
    const missing = join(h5Fixtures, 'nope.h5');
    await expect(readDensityH5(missing)).rejects.toThrow(`${missing}: density file not found`);
    await expect(readDensityH5(h5Fixtures)).rejects.toThrow(`${h5Fixtures}: expected a density file; found a folder or other non-file`);
  });
});

describe('readDensityH5 bounds what it allocates', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crowd-density-bounds-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A small file whose `density` declares `height`×`width` float32 values, with none stored (resized after writing). */
  async function declaring(name: string, height: number, width: number, compression?: number): Promise<string> {
    const hdf5 = await loadHdf5();
    const path = join(dir, name);
    const file = new hdf5.File(path, 'w');
    try {
      const dataset = file.create_dataset({ name: 'density', data: new Float32Array(4), shape: [2, 2], maxshape: [null, null], chunks: [2, 2], dtype: '<f', ...(compression === undefined ? {} : { compression }) });
      dataset.resize([height, width]);
    } finally {
      file.close();
    }
    return path;
  }

  test('a crafted header declaring 10⁶×10⁶ is refused by the pixel budget, naming it, and nothing is allocated', async () => {
    const path = await declaring('huge.h5', 1e6, 1e6);
    await expect(readDensityH5(path)).rejects.toMatchObject({ name: 'LimitExceededError', code: 'LIMIT_EXCEEDED', option: 'maxPixels', limit: 1e8, needed: 1e12 });
    await expect(readDensityH5(path)).rejects.toThrow(`${path}: the density map is 1000000×1000000 = 1000000000000 pixels, over the budget of 100000000 pixels`);
    // With the budget raised, the file size still refuses it.
    await expect(readDensityH5(path, { maxPixels: 1e12 })).rejects.toThrow(/^.*huge\.h5: density declares 1000000×1000000 values of 4 bytes, more than this \d+-byte file can hold$/);
    expect(peakRss()).toBeLessThan(GIB);
  });

  test('within the pixel budget, more data than the file holds is a DENSITY_FORMAT error (stored as is, or compressed)', async () => {
    const plain = await declaring('plain.h5', 5000, 5000);
    await expect(readDensityH5(plain)).rejects.toMatchObject({ code: 'DENSITY_FORMAT', file: plain });
    await expect(readDensityH5(plain)).rejects.toThrow(/density declares 5000×5000 values of 4 bytes, more than this \d+-byte file can hold$/);
    const gzip = await declaring('gzip.h5', 9000, 9000, 9);
    await expect(readDensityH5(gzip)).rejects.toThrow(/density declares 9000×9000 values of 4 bytes, more than this \d+-byte file can hold compressed$/);
    expect(peakRss()).toBeLessThan(GIB);
  });

  test('a compressed chunk that inflates far past its declared size (1 GiB behind a 64×64 map) is refused before HDF5 inflates it', async () => {
    const path = join(dir, 'chunk-bomb.h5');
    await writeHdf5ChunkBomb(path, 'density', [64, 64], GIB);
    await expect(readDensityH5(path)).rejects.toMatchObject({
      code: 'DENSITY_FORMAT',
      file: path,
      message: `${path}: the compressed density data inflates to more than the 16384 bytes its chunks declare (a corrupt or crafted chunk)`,
    });
    expect(peakRss()).toBeLessThan(GIB);
  });

  test('maxPixels below a real map refuses it; equal reads it', async () => {
    const path = join(h5Fixtures, 'density_f32.h5'); // 3×4
    await expect(readDensityH5(path, { maxPixels: 11 })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED', needed: 12 });
    expect((await readDensityH5(path, { maxPixels: 12 })).data.length).toBe(12);
  });
});

describe('writeDensityH5', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crowd-density-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test.each([Float32Array, Float64Array])('round-trips %s as a contiguous uncompressed dataset, like h5py', async (Type) => {
    const path = join(dir, `${Type.name}.h5`);
    const map = { height: 2, width: 3, data: Type.from([0, 0.1, 0.2, 0.3, 0.4, 1e-9]) };
    await writeDensityH5(path, map);
    expect(await readDensityH5(path)).toEqual(map);
    const bytes = await readFile(path);
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('\x89HDF\r\n\x1a\n');
    expect(bytes[8]).toBe(0); // superblock version 0, as h5py writes with its default libver
    const { File } = await loadHdf5();
    const h5 = new File(path, 'r');
    const density = h5.get('density');
    expect(density).toMatchObject({ dtype: Type === Float32Array ? '<f' : '<d', shape: [2, 3], metadata: { chunks: null } });
    expect((density as { filters: unknown[] }).filters).toEqual([]);
    expect(h5.keys()).toEqual(['density']);
    h5.close();
  });

  test('replaces an existing file, creates the folder, and leaves no temp file', async () => {
    const path = join(dir, 'nested', 'IMG_1.h5');
    await writeDensityH5(path, { height: 1, width: 1, data: Float32Array.of(1) });
    await writeDensityH5(path, { height: 1, width: 2, data: Float64Array.of(2, 3) });
    expect(await readDensityH5(path)).toEqual({ height: 1, width: 2, data: Float64Array.of(2, 3) });
    expect(await readdir(join(dir, 'nested'))).toEqual(['IMG_1.h5']);
  });

  test('an inconsistent map is a DENSITY_FORMAT error and nothing is written', async () => {
    const path = join(dir, 'bad.h5');
    await expect(writeDensityH5(path, { height: 2, width: 2, data: new Float32Array(3) })).rejects.toThrow(
      `${path}: density of 2×2 needs 4 values; found 3`,
    );
    const wrongType = { height: 1, width: 1, data: Uint8Array.of(1) as unknown as Float32Array };
    await expect(writeDensityH5(path, wrongType)).rejects.toThrow('density data must be a Float32Array or Float64Array; found Uint8Array');
    expect(await readdir(dir)).not.toContain('bad.h5');
  });

  test('a write that fails keeps the old file', async () => {
    const path = join(dir, 'kept.h5');
    await writeFile(path, 'old');
    // A file where the target's folder should be: the write cannot even start.
    const target = join(path, 'x.h5');
    await expect(writeDensityH5(target, { height: 1, width: 1, data: Float32Array.of(1) })).rejects.toThrow(
      expect.objectContaining({ code: 'WRITE_FAILED', file: target, message: expect.stringMatching(/cannot write the file \((EEXIST|ENOTDIR): a file is in the way of the folder\)$/) }),
    );
    expect(await readFile(path, 'utf8')).toBe('old');
  });
});

describe('readDensityH5 after h5wasm crashes', () => {
  test('reports a trap in HDF5 as DENSITY_FORMAT and reads the next file with a fresh copy of HDF5', async () => {
    const path = join(h5Fixtures, 'density_f32.h5');
    // A trap inside HDF5's C code, simulated in this instance's Dataset.value.
    const { Dataset } = await loadHdf5();
    const value = vi.spyOn(Dataset.prototype, 'value', 'get').mockImplementationOnce(() => {
      throw new WebAssembly.RuntimeError('memory access out of bounds');
    });
    await expect(readDensityH5(path)).rejects.toMatchObject({
      code: 'DENSITY_FORMAT',
      message: `${path}: cannot read density (HDF5 crashed on it: memory access out of bounds; a fresh copy is loaded for the next file)`,
    });
    value.mockRestore();
    const fresh = await loadHdf5();
    expect(fresh.Dataset).not.toBe(Dataset);
    expect(await readDensityH5(path)).toEqual({ height: 3, width: 4, data: Float32Array.from(grid) });
  });
});
