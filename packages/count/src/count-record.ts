/** One image's result, as `crowd count` prints it. */
export interface CountRecord {
  image: string;
  /** The sum of the predicted density. */
  count: number;
  width: number;
  height: number;
  /** How many tiles the image was counted in (1: untiled). */
  tiles: number;
  /** Estimated head positions in image pixels, interleaved x, y (with `--points`). */
  points?: Float64Array;
  /** Written heatmap (with `--heatmap`). */
  heatmap?: string;
  /** Written density `.h5` (with `--save-density`). */
  density?: string;
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
    ...(fields.points ? ['peaks'] : []),
    ...(fields.heatmap ? ['heatmap'] : []),
    ...(fields.density ? ['density'] : []),
  ];
}

/**
 * One output line (no newline): `path<TAB>count` (2 decimals) for text; a JSON
 * object (full precision, points as [[x, y], …]) for json; a CSV row (RFC 4180
 * quoting; the number of points as `peaks`) for csv.
 */
export function formatRecord(record: CountRecord, format: OutputFormat, fields: RecordFields): string {
  switch (format) {
    case 'text':
      return `${record.image}\t${record.count.toFixed(2)}`;
    case 'json': {
      const { image, count, width, height, tiles, points, heatmap, density } = record;
      const json: Record<string, unknown> = { image, count, width, height, tiles };
      if (points !== undefined) json.points = Array.from({ length: points.length / 2 }, (_, i) => [round2(points[2 * i]), round2(points[2 * i + 1])]);
      if (heatmap !== undefined) json.heatmap = heatmap;
      if (density !== undefined) json.density = density;
      return JSON.stringify(json);
    }
    case 'csv': {
      const values: Record<string, string | number> = {
        image: record.image,
        count: record.count,
        width: record.width,
        height: record.height,
        tiles: record.tiles,
        peaks: (record.points?.length ?? 0) / 2,
        heatmap: record.heatmap ?? '',
        density: record.density ?? '',
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
