/**
 * A per-image error as one line that names the file: libvips reports a
 * corrupt JPEG as several, often repeated, lines, which would break
 * line-oriented output; those are de-duplicated and joined with "; ".
 * Package errors already start with the file; others get it prepended.
 */
export function errorLine(error: unknown, path: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = [
    ...new Set(
      message
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean)
    ),
  ].join('; ');
  return lines.includes(path) ? lines : `${path}: ${lines}`;
}
