// @crowd/datasets core: browser-safe parsers over strings and bytes (no fs, no
// native modules). File-system readers and writers are in `@crowd/datasets/node`.

export { DatasetError, LimitExceededError, MatFormatError, type DatasetErrorCode } from './errors.js';

// Head annotations, as interleaved x0, y0, x1, y1, ... Float64Arrays.
export { shanghaiTechPoints } from './shanghaitech-points.js';
export { ucfPoints } from './ucf-points.js';
export { jhuPoints } from './jhu-points.js';
export { nwpuPoints } from './nwpu-points.js';

export { parseImageList } from './image-list.js';
export { splitListEntry, type ListEntryPath } from './list-entry.js';
export { naturalCompare } from './natural-compare.js';
export { DEFAULT_MAX_PIXELS } from './pixel-budget.js';
export type { DensityMap } from '@crowd/density';
export { IMAGENET_MEAN, IMAGENET_STD, normalizeImageNet, type NormalizeOptions, type RgbImage } from './imagenet.js';

// MAT-file reader
export { readMat, parseMatV5, numericMatrix, getPath, type NumericMatrix } from './mat/index.js';
export { MAT_READ_DEFAULTS, resolveMatReadOptions, type MatReadOptions, type ResolvedMatReadOptions } from './mat/index.js';
export type {
  MatCell,
  MatChar,
  MatFile,
  MatLogical,
  MatNumeric,
  MatNumericArray,
  MatNumericClass,
  MatSparse,
  MatStruct,
  MatValue,
} from './mat/index.js';
