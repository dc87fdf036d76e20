import { DatasetError } from '../errors.js';
import { jhuPoints } from '../jhu-points.js';
import { readMat, type MatReadOptions } from '../mat/index.js';
import { nwpuPoints } from '../nwpu-points.js';
import { shanghaiTechPoints } from '../shanghaitech-points.js';
import { ucfPoints } from '../ucf-points.js';
import { readInputFile } from './read-input-file.js';
import type { Sample } from './sample.js';

/**
 * Reads a sample's head points with the parser for its dataset.
 *
 * @returns interleaved x0, y0, x1, y1, ... in pixels (x = column, y = row), as annotated.
 * @param options budgets for `.mat` annotations ({@link MAT_READ_DEFAULTS});
 *   text annotations are bounded by their file size.
 * @throws DatasetError ANNOTATION_MISSING naming the expected annotation path
 *   when it does not exist; ANNOTATION_FORMAT or a MAT error when it is
 *   malformed; LimitExceededError when a `.mat` file inflates past a budget.
 */
export async function readHeadPoints(sample: Sample, options?: MatReadOptions): Promise<Float64Array> {
  const path = sample.annotation;
  const bytes = await readInputFile(path, 'annotation', 'ANNOTATION_FORMAT', {
    code: 'ANNOTATION_MISSING',
    message: `annotation file not found for image ${sample.image}`,
  });
  switch (sample.dataset) {
    case 'shanghaitech':
      return shanghaiTechPoints(await readMat(bytes, path, options), path);
    case 'ucf-qnrf':
    case 'ucf-cc-50':
      return ucfPoints(await readMat(bytes, path, options), path);
    case 'jhu-crowd':
      return jhuPoints(new TextDecoder().decode(bytes), path);
    case 'nwpu-crowd':
      return nwpuPoints(new TextDecoder().decode(bytes), path);
    default:
      // Only reachable from untyped callers; say so rather than return undefined.
      throw new DatasetError('DATASET_LAYOUT', path, `unknown dataset ${JSON.stringify((sample as { dataset: unknown }).dataset)} in sample for ${sample.image}`);
  }
}
