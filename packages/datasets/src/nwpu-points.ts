import { z } from 'zod';
import { DatasetError } from './errors.js';

/** The fields of an NWPU-Crowd annotation that matter here; others (`img_id`, `boxes`) pass unchecked. */
const NwpuAnnotation = z.object({
  human_num: z.number().int().nonnegative(),
  points: z.array(z.tuple([z.number(), z.number()])),
});

/**
 * Head points of an NWPU-Crowd `jsons/<image>.json`:
 * `{ "img_id": "0001.jpg", "human_num": N, "points": [[x, y], ...], "boxes": [...] }`.
 *
 * `human_num` must equal the number of points; a mismatch is an error, not a
 * warning, because it means the file was truncated or edited and the count a
 * model would be trained on is unknown.
 *
 * @param source the file's path, named in errors.
 * @returns interleaved x0, y0, x1, y1, ... in pixels (x = column, y = row).
 */
export function nwpuPoints(jsonText: string, source?: string): Float64Array {
  let json: unknown;
  try {
    json = JSON.parse(jsonText);
  } catch (error) {
    throw new DatasetError('ANNOTATION_FORMAT', source, `expected NWPU-Crowd JSON; found invalid JSON (${(error as Error).message})`, { cause: error });
  }
  const parsed = NwpuAnnotation.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
    throw new DatasetError('ANNOTATION_FORMAT', source, `not an NWPU-Crowd annotation: ${problems.join('; ')}`);
  }
  const { human_num: humanNum, points } = parsed.data;
  if (humanNum !== points.length) {
    throw new DatasetError('ANNOTATION_FORMAT', source, `human_num is ${humanNum} but points has ${points.length} entries`);
  }
  return Float64Array.from(points.flat());
}
