import { DatasetError } from './errors.js';
import type { MatCell, MatFile, MatValue } from './mat/index.js';
import { describeValue } from './mat/describe-value.js';
import { pointsFromMatrix } from './point-matrix.js';

/**
 * Head points of a ShanghaiTech `GT_IMG_<n>.mat`: `image_info` is a 1×1 cell
 * holding a 1×1 struct whose `location` field is N×2 double, columns x and y.
 * The struct is also accepted without the cell, as some re-saved copies have it.
 * The struct's `number` field is not consulted: the points are the truth.
 *
 * @param source the file's path, named in errors.
 * @returns interleaved x0, y0, x1, y1, ... in pixels (x = column, y = row).
 */
export function shanghaiTechPoints(mat: MatFile, source?: string): Float64Array {
  const info = mat.variables.get('image_info');
  if (info === undefined) {
    const found = [...mat.variables.keys()].join(', ') || 'no variables';
    throw new DatasetError('ANNOTATION_FORMAT', source, `expected a variable image_info (ShanghaiTech annotation); found ${found}`);
  }
  const struct = info.kind === 'cell' ? onlyElement(info, source) : info;
  const name = info.kind === 'cell' ? 'image_info{1}' : 'image_info';
  if (struct.kind !== 'struct' || struct.elements.length !== 1) {
    throw new DatasetError('ANNOTATION_FORMAT', source, `expected ${name} to be a 1×1 struct with a location field; found ${describeValue(struct)}`);
  }
  const location = struct.elements[0]['location'];
  if (location === undefined) {
    throw new DatasetError('ANNOTATION_FORMAT', source, `${name} has no field location (fields: ${struct.fieldNames.join(', ') || 'none'})`);
  }
  return pointsFromMatrix(location, source, `${name}.location`);
}

function onlyElement(cell: MatCell, source: string | undefined): MatValue {
  if (cell.cells.length !== 1) {
    throw new DatasetError('ANNOTATION_FORMAT', source, `expected image_info to be a 1×1 cell; found ${describeValue(cell)}`);
  }
  return cell.cells[0];
}
