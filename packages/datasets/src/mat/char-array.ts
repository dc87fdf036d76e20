import type { MatChar } from './mat-value.js';

/**
 * Builds a char value from its characters in column-major order (one string
 * per MATLAB char: a UTF-16 code unit, or a code point for UTF-8/32 data).
 * `units.length` must equal the product of `dims`.
 */
export function charArray(dims: number[], units: string[]): MatChar {
  // An empty char array has no rows, however many its dims say: a 1e9×0 char
  // must not become a billion empty strings.
  const rowCount = units.length === 0 ? 0 : dims[0];
  const perRow = rowCount === 0 ? 0 : units.length / rowCount;
  const rows: string[] = [];
  for (let r = 0; r < rowCount; r++) {
    let row = '';
    for (let k = 0; k < perRow; k++) row += units[r + rowCount * k];
    rows.push(row);
  }
  return { kind: 'char', dims, text: rows.join('\n'), rows };
}

/** UTF-16 code units as one string each (a surrogate pair stays two chars, as in MATLAB). */
export function codeUnits(values: ArrayLike<number>): string[] {
  return Array.from(values, (unit) => String.fromCharCode(unit));
}
