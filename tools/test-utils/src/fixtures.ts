import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Absolute path of the repository's fixture folder (`tools/fixtures`). */
export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** Absolute path of a file under `tools/fixtures`. */
export function fixture(...segments: string[]): string {
  return join(FIXTURES_DIR, ...segments);
}
