/**
 * A density for a legend (people per 8×8-pixel cell): three significant
 * digits, no exponent for the densities a map has. The CLI's picture and the
 * browser label their colour bars with it.
 */
export function formatDensity(v: number): string {
  return v === 0 ? '0' : Number(v.toPrecision(3)).toString();
}
