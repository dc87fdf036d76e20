import { resolve } from 'node:path';
import type { DensityMap } from '@crowd/density';
import { DatasetError } from '../errors.js';
import { writeAtomically } from './atomic-write.js';
import { hdf5Reason, withHdf5Errors } from './hdf5.js';
import { checkInputFile } from './read-input-file.js';

/** HDF5's class number for floating-point types (H5T_FLOAT). */
const H5T_FLOAT = 1;

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
 * @throws DatasetError DENSITY_FORMAT naming the file when it is missing, not
 *   HDF5, truncated, or holds no 2-D float `density` dataset.
 */
export async function readDensityH5(path: string): Promise<DensityMap> {
  const file = resolve(path);
  await checkInputFile(file, 'density', 'DENSITY_FORMAT');
  return withHdf5Errors((hdf5) => {
    let h5: InstanceType<typeof hdf5.File>;
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
      const { type, size, shape } = entry.metadata;
      const dtype = `${entry.dtype} (HDF5 class ${type}, ${size} bytes)`;
      if (type !== H5T_FLOAT || (size !== 4 && size !== 8)) {
        throw new DatasetError('DENSITY_FORMAT', file, `expected density to be float32 or float64; found ${dtype}`);
      }
      if (shape === null || shape.length !== 2) {
        throw new DatasetError('DENSITY_FORMAT', file, `expected density to be 2-D [height, width]; found shape [${shape?.join(', ') ?? 'scalar'}]`);
      }
      const data = entry.value;
      if (!(data instanceof Float32Array || data instanceof Float64Array)) {
        throw new DatasetError('DENSITY_FORMAT', file, `expected density to read as float32 or float64; found ${dtype}`);
      }
      return { height: shape[0], width: shape[1], data };
    } catch (error) {
      if (error instanceof DatasetError) throw error;
      throw new DatasetError('DENSITY_FORMAT', file, `cannot read density (${hdf5Reason(error)})`, { cause: error });
    } finally {
      h5.close();
    }
  });
}

/**
 * Writes a density map in the reference format, readable by the CSRNet
 * reference and h5py: one contiguous, uncompressed dataset `density` of shape
 * [height, width], `<f4` for a Float32Array and `<f8` for a Float64Array (as
 * h5py's `hf['density'] = k` does). The file is written under a temporary name
 * in the same folder and renamed into place, so it is never seen half-written;
 * a missing folder is created.
 *
 * @throws DatasetError DENSITY_FORMAT naming `path` when the map is inconsistent or the write fails.
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
  try {
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
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? hdf5Reason(error);
    throw new DatasetError('DENSITY_FORMAT', file, `cannot write density file (${reason})`, { cause: error });
  }
}

function describe(value: unknown): string {
  return value === null || value === undefined ? String(value) : ((value as object).constructor?.name ?? typeof value);
}
