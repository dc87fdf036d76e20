import { resolve } from 'node:path';
import type { DensityMap } from '@crowd/density';
import { DatasetError } from '../errors.js';
import { writeAtomically } from './atomic-write.js';
import { hdf5Reason, withHdf5Errors, type Hdf5 } from './hdf5.js';
import { checkPixelBudget, resolveMaxPixels } from '../pixel-budget.js';
import { zlibStreamsWithin } from '../zlib-streams-within.js';
import { checkInputFile, readInputFile } from './read-input-file.js';

/** HDF5's class number for floating-point types (H5T_FLOAT). */
const H5T_FLOAT = 1;
/** DEFLATE, HDF5's usual filter, cannot expand data more than 1032:1. */
const MAX_DEFLATE_RATIO = 1032;

/** Budgets of {@link readDensityH5}. */
export interface ReadDensityOptions {
  /**
   * The most values (height × width) the map may declare; a density map is as
   * large as its image, so this is the image pixel budget.
   * @default 100_000_000 ({@link DEFAULT_MAX_PIXELS})
   */
  maxPixels?: number;
}

/**
 * h5py's default format bounds. Without them HDF5 2.x writes a version-2
 * superblock; with them the file has the version-0 superblock h5py writes,
 * readable by every HDF5 release the reference could run on.
 */
const H5PY_LIBVER: ['earliest', 'v110'] = ['earliest', 'v110'];

/**
 * Reads a reference-format density map: an HDF5 file with a 2-D float32 or
 * float64 dataset named `density`, shape [H, W] (what the CSRNet reference
 * writes with h5py's `hf['density'] = k`). The stored precision is kept.
 * Chunked, compressed and big-endian datasets are read too.
 *
 * Nothing is allocated before the declared shape is checked: against
 * `maxPixels`, and against what the file can hold (its size for data stored
 * as is, 1032 times that for compressed data), so a crafted header declaring
 * 10⁶×10⁶ is refused rather than read as fill values; compressed data is
 * first inflated, bounded, to check that it holds no more than declared.
 *
 * @throws DatasetError DENSITY_FORMAT naming the file when it is missing, not
 *   HDF5, truncated, holds no 2-D float `density` dataset, or declares more
 *   data than it holds; LimitExceededError (option `maxPixels`) over the budget.
 */
export async function readDensityH5(path: string, options: ReadDensityOptions = {}): Promise<DensityMap> {
  const file = resolve(path);
  const maxPixels = resolveMaxPixels(options.maxPixels);
  const fileSize = await checkInputFile(file, 'density', 'DENSITY_FORMAT');
  const declared = await withHdf5Errors((hdf5) => withDensity(hdf5, file, (entry) => checkDeclared(entry, file, fileSize, maxPixels)));
  // HDF5 would inflate a crafted chunk to whatever it holds before comparing (see zlibStreamsWithin).
  if (declared.chunkBytes !== undefined && !zlibStreamsWithin(await readInputFile(file, 'density', 'DENSITY_FORMAT'), declared.chunkBytes + COMPRESSION_SLACK)) {
    throw new DatasetError('DENSITY_FORMAT', file, `the compressed density data inflates to more than the ${declared.chunkBytes} bytes its chunks declare (a corrupt or crafted chunk)`);
  }
  return withHdf5Errors((hdf5) =>
    withDensity(hdf5, file, (entry) => {
      const data = entry.value;
      if (!(data instanceof Float32Array || data instanceof Float64Array)) {
        throw new DatasetError('DENSITY_FORMAT', file, `expected density to read as float32 or float64; found ${declared.dtype}`);
      }
      return { height: declared.height, width: declared.width, data };
    }),
  );
}

/** Bytes that merely look like zlib streams may add to a file's inflated total (see zlibStreamsWithin). */
const COMPRESSION_SLACK = 1 << 20;

/** What a density dataset declares, once checked. */
interface DeclaredDensity {
  height: number;
  width: number;
  dtype: string;
  /** For compressed data: the bytes of all its chunks, which is the most its streams can inflate to. */
  chunkBytes?: number;
}

type H5Dataset = InstanceType<Hdf5['Dataset']>;

/** Opens `file`, finds its `density` dataset and runs `use` on it; HDF5 errors become DENSITY_FORMAT errors. */
function withDensity<T>(hdf5: Hdf5, file: string, use: (entry: H5Dataset) => T): T {
  let h5: InstanceType<Hdf5['File']>;
  try {
    h5 = new hdf5.File(file, 'r');
  } catch (error) {
    throw new DatasetError('DENSITY_FORMAT', file, `expected an HDF5 file; HDF5 cannot open it (${hdf5Reason(error)})`, { cause: error });
  }
  try {
    const entry = h5.get('density');
    if (!(entry instanceof hdf5.Dataset)) {
      const found = entry === null ? `top-level entries: ${h5.keys().join(', ') || 'none'}` : `density is a ${entry.constructor.name.toLowerCase()}`;
      throw new DatasetError('DENSITY_FORMAT', file, `expected a dataset named density; found ${found}`);
    }
    return use(entry);
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    const reason = error instanceof WebAssembly.RuntimeError ? `HDF5 crashed on it: ${error.message.split('.')[0]}; a fresh copy is loaded for the next file` : hdf5Reason(error);
    throw new DatasetError('DENSITY_FORMAT', file, `cannot read density (${reason})`, { cause: error });
  } finally {
    h5.close();
  }
}

/** Checks the dataset's type, shape, pixel budget and size against the file, before any data is read. */
function checkDeclared(entry: H5Dataset, file: string, fileSize: number, maxPixels: number): DeclaredDensity {
  const { type, size, shape, chunks } = entry.metadata;
  const dtype = `${entry.dtype} (HDF5 class ${type}, ${size} bytes)`;
  if (type !== H5T_FLOAT || (size !== 4 && size !== 8)) {
    throw new DatasetError('DENSITY_FORMAT', file, `expected density to be float32 or float64; found ${dtype}`);
  }
  if (shape === null || shape.length !== 2) {
    throw new DatasetError('DENSITY_FORMAT', file, `expected density to be 2-D [height, width]; found shape [${shape?.join(', ') ?? 'scalar'}]`);
  }
  const [height, width] = shape;
  checkPixelBudget(file, 'the density map', width, height, maxPixels);
  const compressed = entry.filters.length > 0;
  const room = compressed ? fileSize * MAX_DEFLATE_RATIO : fileSize;
  if (height * width * size > room) {
    throw new DatasetError('DENSITY_FORMAT', file, `density declares ${height}×${width} values of ${size} bytes, more than this ${fileSize}-byte file can hold${compressed ? ' compressed' : ''}`);
  }
  if (!compressed || chunks === null) return { height, width, dtype };
  // Edge chunks are stored whole, so the chunks cover a little more than the shape.
  const chunkBytes = shape.reduce((bytes, extent, i) => bytes * Math.ceil(extent / chunks[i]) * chunks[i], size);
  return { height, width, dtype, chunkBytes };
}

/**
 * Writes a density map in the reference format, readable by the CSRNet
 * reference and h5py: one contiguous, uncompressed dataset `density` of shape
 * [height, width], `<f4` for a Float32Array and `<f8` for a Float64Array (as
 * h5py's `hf['density'] = k` does). The file is written under a temporary name
 * in the same folder and renamed into place, so it is never seen half-written;
 * a missing folder is created.
 *
 * @throws DatasetError DENSITY_FORMAT naming `path` when the map is
 *   inconsistent; WRITE_FAILED naming it and the cause (EACCES, EROFS,
 *   ENOSPC, …) when the file cannot be written.
 */
export async function writeDensityH5(path: string, map: DensityMap): Promise<void> {
  const file = resolve(path);
  const { height, width, data } = map;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new DatasetError('DENSITY_FORMAT', file, `density data must be a Float32Array or Float64Array; found ${describe(data)}`);
  }
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1 || data.length !== height * width) {
    throw new DatasetError('DENSITY_FORMAT', file, `density of ${height}×${width} needs ${height * width} values; found ${data.length}`);
  }
  await writeAtomically(file, (tempPath) =>
    withHdf5Errors((hdf5) => {
      const h5 = new hdf5.File(tempPath, 'w', { libver: H5PY_LIBVER });
      try {
        h5.create_dataset({ name: 'density', data, shape: [height, width], dtype: data instanceof Float32Array ? '<f' : '<d' });
      } finally {
        h5.close();
      }
    }),
  );
}

function describe(value: unknown): string {
  return value === null || value === undefined ? String(value) : ((value as object).constructor?.name ?? typeof value);
}
