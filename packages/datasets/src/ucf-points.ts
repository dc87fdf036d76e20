import { DatasetError } from './errors.js';
import type { MatFile } from './mat/index.js';
import { pointsFromMatrix } from './point-matrix.js';

/**
 * Head points of a UCF-QNRF or UCF_CC_50 `<image>_ann.mat`: the variable
 * `annPoints` is N×2 double, columns x and y.
 *
 * @param source the file's path, named in errors.
 * @returns interleaved x0, y0, x1, y1, ... in pixels (x = column, y = row).
 */
export function ucfPoints(mat: MatFile, source?: string): Float64Array {
  const annPoints = mat.variables.get('annPoints');
  if (annPoints === undefined) {
    const found = [...mat.variables.keys()].join(', ') || 'no variables';
    throw new DatasetError('ANNOTATION_FORMAT', source, `expected a variable annPoints (UCF annotation); found ${found}`);
  }
  return pointsFromMatrix(annPoints, source, 'annPoints');
}
