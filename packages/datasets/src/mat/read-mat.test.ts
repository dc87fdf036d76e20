import { describe, expect, it, vi } from 'vitest';
import { MatFormatError } from '../errors.js';
import { arrayTypeMismatches, expectedJson, fileAsJson, fixtureBytes } from '../../test/fixtures/mat/expected.js';
import { getPath } from './get-path.js';
import { numericMatrix } from './numeric-matrix.js';
import { readMat } from './read-mat.js';

async function rejection(bytes: Uint8Array, source: string): Promise<MatFormatError> {
  const error = await readMat(bytes, source).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof MatFormatError)) throw new Error(`expected a MatFormatError, got ${String(error)}`);
  expect(error.message.startsWith(`${source}: `)).toBe(true);
  return error;
}

describe('readMat on v7.3 (HDF5) files', () => {
  it.each(['v73_ucf', 'v73_shanghaitech', 'v73_misc', 'v73_no_userblock'])('%s.mat holds what it was written from', async (name) => {
    const file = await readMat(fixtureBytes(`${name}.mat`), `${name}.mat`);
    expect(file.version).toBe('v7.3');
    expect(file.littleEndian).toBe(true);
    const actual = fileAsJson(file);
    const expected = expectedJson(`${name}.json`);
    // HDF5 lists names sorted, not in the order they were written.
    expect(Object.keys(actual.variables).sort()).toEqual(Object.keys(expected.variables).sort());
    expect(actual).toEqual(expected);
    expect([...file.variables].flatMap(([n, v]) => arrayTypeMismatches(v, n))).toEqual([]);
  });

  it('reads UCF-style annPoints as an N×2 double matrix', async () => {
    const file = await readMat(fixtureBytes('v73_ucf.mat'), 'v73_ucf.mat');
    const points = numericMatrix(getPath(file, 'annPoints'), 'v73_ucf.mat', 'annPoints');
    const rows = expectedJson<{ variables: { annPoints: { real: number[] } } }>('v73_ucf.json').variables.annPoints.real;
    expect([points.rows, points.cols]).toEqual([6, 2]);
    expect(points.get(5, 1)).toBe(rows[11]);
  });

  it('reads a ShanghaiTech-style image_info{1}.location and number', async () => {
    const file = await readMat(fixtureBytes('v73_shanghaitech.mat'));
    expect(getPath(file, 'image_info{1}.location')).toMatchObject({ kind: 'numeric', class: 'double', dims: [4, 2] });
    expect(getPath(file, 'image_info{1}.number')).toMatchObject({ class: 'uint16', real: Uint16Array.of(4) });
  });

  it('gives the header MATLAB wrote into the user block', async () => {
    const file = await readMat(fixtureBytes('v73_misc.mat'));
    expect(file.header).toMatch(/^MATLAB 7\.3 MAT-file, Platform: GLNXA64, .* HDF5 schema 1\.00 \.$/);
  });

  it('rejects an unsupported MATLAB class naming the variable', async () => {
    const error = await rejection(fixtureBytes('v73_unsupported.mat'), 'fh.mat');
    expect(error).toMatchObject({ code: 'MAT_UNSUPPORTED', offset: 512 });
    expect(error.message).toContain('fh is a MATLAB function_handle');
  });

  it('rejects truncated and corrupt HDF5 data with MatFormatError, and stays usable after', async () => {
    const full = fixtureBytes('v73_misc.mat');
    expect((await rejection(full.slice(0, 520), 'cut.mat')).offset).toBe(512);
    for (const length of [600, 2048, full.length - 100]) {
      expect(await rejection(full.slice(0, length), 'cut.mat')).toMatchObject({ code: 'MAT_TRUNCATED', offset: 512 });
    }
    const garbled = full.slice();
    garbled.fill(0xaa, 520, 1200);
    expect((await rejection(garbled, 'garbled.mat')).offset).toBe(512);
    expect((await readMat(full)).variables.size).toBe(13);
  });

  it('random byte flips give a MatFormatError or a parsed file', async () => {
    const original = fixtureBytes('v73_shanghaitech.mat');
    let seed = 73;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let iteration = 0; iteration < 150; iteration++) {
      const bytes = original.slice();
      for (let f = 0; f < 3; f++) bytes[512 + Math.floor(random() * (bytes.length - 512))] = Math.floor(random() * 256);
      const error = await readMat(bytes, 'flipped.mat').then(
        () => undefined,
        (e: unknown) => e,
      );
      if (error !== undefined && !(error instanceof MatFormatError && error.file === 'flipped.mat')) throw new Error(`iteration ${iteration}: ${String(error)}`);
    }
  });

  it('reads v5 files too', async () => {
    expect(fileAsJson(await readMat(fixtureBytes('nested_z.mat')))).toEqual(expectedJson('nested_z.json'));
  });

  it('rejects what parseMatV5 rejects', async () => {
    expect(await rejection(new Uint8Array(0), 'empty.mat')).toMatchObject({ code: 'MAT_TRUNCATED', offset: 0 });
  });
});

describe('readMat on a Node Buffer', () => {
  it('copies uncompressed numeric data out of the Buffer pool (Buffer.slice is a view)', async () => {
    const { readFileSync } = await import('node:fs');
    const { fixture } = await import('@crowd/test-utils');
    // GT_IMG_2.mat of part A test is stored uncompressed (miMATRIX); readFileSync returns a pooled Buffer.
    const path = fixture('shanghaitech-mini', 'part_A', 'test_data', 'ground-truth', 'GT_IMG_2.mat');
    const fromBuffer = numericMatrix(getPath(await readMat(readFileSync(path), path), 'image_info{1}.location'));
    const fromCopy = numericMatrix(getPath(await readMat(new Uint8Array(readFileSync(path)), path), 'image_info{1}.location'));
    expect(fromBuffer.rows).toBe(210);
    expect(Array.from(fromBuffer.toFloat64RowMajor())).toEqual(Array.from(fromCopy.toFloat64RowMajor()));
    expect(fromBuffer.get(0, 0)).toBeGreaterThan(0);
  });
});

describe('readMat after h5wasm crashes', () => {
  it('reports a trap in HDF5 as a MatFormatError and reads the next file with a fresh copy of HDF5', async () => {
    // A trap inside HDF5's C code (what a fuzzer found after a run of corrupt files), simulated in this instance's File.keys.
    const { File } = await import('h5wasm');
    const keys = vi.spyOn(File.prototype, 'keys').mockImplementationOnce(() => {
      throw new WebAssembly.RuntimeError('null function or function signature mismatch');
    });
    const error = await readMat(fixtureBytes('v73_ucf.mat'), 'after.mat').catch((e: unknown) => e);
    keys.mockRestore();
    expect(error).toBeInstanceOf(MatFormatError);
    expect((error as Error).message).toBe(
      'after.mat: unreadable v7.3 (HDF5) data: HDF5 crashed on it (null function or function signature mismatch); a fresh copy is loaded for the next file (at byte offset 512)',
    );
    const keysOfFresh = vi.spyOn(File.prototype, 'keys');
    const file = await readMat(fixtureBytes('v73_ucf.mat'), 'v73_ucf.mat');
    expect(fileAsJson(file)).toEqual(expectedJson('v73_ucf.json'));
    // The file was read by another instance's File class, not the crashed one.
    expect(keysOfFresh).not.toHaveBeenCalled();
    keysOfFresh.mockRestore();
  });
});
