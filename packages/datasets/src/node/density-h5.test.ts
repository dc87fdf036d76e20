import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture } from '@crowd/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readDensityH5, writeDensityH5 } from './density-h5.js';
import { loadHdf5 } from './hdf5.js';

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
      expect.objectContaining({ code: 'DENSITY_FORMAT', file: target, message: expect.stringMatching(/cannot write density file \((EEXIST|ENOTDIR)\)$/) }),
    );
    expect(await readFile(path, 'utf8')).toBe('old');
  });
});
