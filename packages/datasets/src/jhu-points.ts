import { DatasetError } from './errors.js';

/**
 * Head points of a JHU-Crowd++ `gt/<image>.txt`: one head per line,
 * `x y w h o b` (head centre, box width and height, occlusion level, blur
 * flag), separated by whitespace. Only x and y are kept. Blank lines are
 * skipped, so an empty file is an image with no heads.
 *
 * All six fields are required, so that a file of some other format (say, a
 * bare `x y` list) is reported instead of silently misread.
 *
 * @param source the file's path, named in errors.
 * @returns interleaved x0, y0, x1, y1, ... in pixels (x = column, y = row).
 */
export function jhuPoints(text: string, source?: string): Float64Array {
  const points: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const fields = line.split(/\s+/);
    const values = fields.map(Number);
    if (fields.length !== 6 || !values.every(Number.isFinite)) {
      throw new DatasetError(
        'ANNOTATION_FORMAT',
        source,
        `line ${i + 1}: expected 6 numbers "x y w h o b"; found ${JSON.stringify(line)}`,
      );
    }
    points.push(values[0], values[1]);
  }
  return Float64Array.from(points);
}
