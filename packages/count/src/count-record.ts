import type { CountWarning } from './count-warnings.js';

/** One image's result, as `crowd count` prints it. */
export interface CountRecord {
  image: string;
  /** The sum of the predicted density. */
  count: number;
  width: number;
  height: number;
  /** The longest side counted over the photo's (1: full size; < 1 when `--max-side` shrank it). */
  scale?: number;
  /** How many tiles the image was counted in (1: untiled). */
  tiles: number;
  /** Estimated head positions in image pixels, interleaved x, y (with `--points`). */
  points?: Float64Array;
  /** Written heatmap (with `--heatmap`). */
  heatmap?: string;
  /** Written density `.h5` (with `--save-density`). */
  density?: string;
  /** Why the count should not be trusted as it stands (see countWarnings); absent or empty when plausible. */
  warnings?: readonly CountWarning[];
}

export type OutputFormat = 'text' | 'json' | 'csv';

/** Which optional fields a run produces; fixes the CSV columns before the first image. */
export interface RecordFields {
  points: boolean;
  heatmap: boolean;
  density: boolean;
}

/** Image coordinates are printed to 0.01 px: finer is noise at 1/8 resolution. */
const round2 = (v: number): number => Math.round(v * 100) / 100;

/** The CSV header line, or undefined for the other formats. */
export function headerLine(format: OutputFormat, fields: RecordFields): string | undefined {
  return format === 'csv' ? csvColumns(fields).join(',') : undefined;
}

function csvColumns(fields: RecordFields): string[] {
  return [
    'image',
    'count',
    'width',
    'height',
    'tiles',
    ...(fields.points ? ['points'] : []),
    ...(fields.heatmap ? ['heatmap'] : []),
    ...(fields.density ? ['density'] : []),
    'warnings',
  ];
}

/**
 * One output line (no newline): `path<TAB>count` (2 decimals) for text (the
 * path quoted by {@link textField} when it holds a control character); a JSON
 * object (full precision, the scale counted at, points as [[x, y], …], warnings as messages) for
 * json; a CSV row (RFC 4180 quoting; the number of points as `points`, warning
 * codes joined by `;`) for csv.
 */
export function formatRecord(record: CountRecord, format: OutputFormat, fields: RecordFields): string {
  switch (format) {
    case 'text':
      return `${textField(record.image)}\t${record.count.toFixed(2)}`;
    case 'json': {
      const { image, count, width, height, scale, tiles, points, heatmap, density } = record;
      const json: Record<string, unknown> = { image, count, width, height, ...(scale === undefined ? {} : { scale }), tiles };
      if (points !== undefined) json.points = Array.from({ length: points.length / 2 }, (_, i) => [round2(points[2 * i]), round2(points[2 * i + 1])]);
      if (heatmap !== undefined) json.heatmap = heatmap;
      if (density !== undefined) json.density = density;
      if (record.warnings !== undefined && record.warnings.length > 0) json.warnings = record.warnings.map((w) => w.message);
      return JSON.stringify(json);
    }
    case 'csv': {
      const values: Record<string, string | number> = {
        image: record.image,
        count: record.count,
        width: record.width,
        height: record.height,
        tiles: record.tiles,
        points: (record.points?.length ?? 0) / 2,
        heatmap: record.heatmap ?? '',
        density: record.density ?? '',
        warnings: (record.warnings ?? []).map((w) => w.code).join(';'),
      };
      return csvColumns(fields)
        .map((c) => csvField(values[c]))
        .join(',');
    }
  }
}

/** RFC 4180: a field holding a comma, quote or line break is quoted, quotes doubled. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A file name for the tab-separated text output: as it is, unless it holds a
 * control character (a tab or line break would split the line) or starts with
 * a double quote; then as a JSON string literal (`"two\nlines.jpg"`), so every
 * line still has exactly one tab and a reader can tell the two forms apart.
 */
export function textField(text: string): string {
  return /[\u0000-\u001f\u007f]/.test(text) || text.startsWith('"') ? JSON.stringify(text) : text;
}
