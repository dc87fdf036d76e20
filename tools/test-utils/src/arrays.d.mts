/** The largest |a[i] − b[i]| and the largest |b[i]| (the scale a tolerance is relative to). */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): { diff: number; scale: number };
/** The byte arrays one after another, as one new array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array;
