import type { DensityMap } from './density-map.js';

/** Why a count should not be trusted as it stands. */
export type CountWarningCode =
  /** The density sums to less than zero people. */
  | 'NEGATIVE_COUNT'
  /** Much of the map is negative: the count is a difference of large positive and negative masses. */
  | 'NEGATIVE_DENSITY';

export interface CountWarning {
  code: CountWarningCode;
  message: string;
}

/**
 * A trained CSRNet outputs a (nearly) non-negative density; negative mass
 * means the model is untrained or does not fit the image (another scale, a
 * scene unlike its training set). Above this fraction of the positive mass
 * (and half a person) the negative part is reported.
 */
export const NEGATIVE_MASS_FRACTION = 0.1;

/** Warnings a count comes with; empty for a plausible density. */
export function countWarnings(density: DensityMap): CountWarning[] {
  let positive = 0;
  let negative = 0;
  for (const v of density.data) {
    if (v > 0) positive += v;
    else negative -= v;
  }
  const count = positive - negative;
  const warnings: CountWarning[] = [];
  const advice = 'the model is untrained or wrong for this image (another scale or kind of scene); do not trust this count';
  if (count < 0) {
    warnings.push({ code: 'NEGATIVE_COUNT', message: `the density sums to ${count.toFixed(2)} people: ${advice}` });
  } else if (negative > 0.5 && negative > NEGATIVE_MASS_FRACTION * positive) {
    const share = Math.round((100 * negative) / positive);
    warnings.push({
      code: 'NEGATIVE_DENSITY',
      message: `the density has ${negative.toFixed(1)} people of negative mass (${share} % of its positive mass): ${advice}`,
    });
  }
  return warnings;
}
