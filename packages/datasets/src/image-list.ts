import { DatasetError } from './errors.js';

/**
 * Parses a CSRNet list file: a JSON array of image paths (the reference's
 * `part_A_train.json` and friends). Paths are returned as written; resolving
 * relative ones against the list's folder needs a path library, so that is
 * done by `readImageList` in `@crowd/datasets/node`.
 *
 * @param listPath the list file's path, named in errors.
 */
export function parseImageList(text: string, listPath?: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DatasetError('LIST_FORMAT', listPath, `expected a JSON array of image paths; found invalid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!Array.isArray(json)) {
    throw new DatasetError('LIST_FORMAT', listPath, `expected a JSON array of image paths; found ${json === null ? 'null' : typeof json}`);
  }
  json.forEach((entry: unknown, i) => {
    if (typeof entry !== 'string' || entry.trim() === '') {
      throw new DatasetError('LIST_FORMAT', listPath, `entry ${i} must be a non-empty path string; found ${JSON.stringify(entry)}`);
    }
  });
  return json as string[];
}
