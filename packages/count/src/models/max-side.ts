/** The size to count an image at, and the factor from its own size. */
export interface MaxSideSize {
  width: number;
  height: number;
  /** The resized longest side over the original's: 1 when the image is left as it is. */
  scale: number;
}

/**
 * LWCC-style longest-side resize: the size a `width × height` image is
 * counted at when its longest side may be at most `maxSide` pixels. Larger
 * images shrink so their longest side is exactly `maxSide` and the other
 * keeps the aspect ratio (rounded, at least 1 pixel); smaller ones stay as
 * they are (LWCC also enlarges them; enlarging adds no detail, and a model
 * should see a small photo's people at their own size). `maxSide` undefined
 * or 0 leaves every image as it is.
 *
 * The same numbers serve Node (sharp resizes) and the browser (a canvas
 * resizes): pass the resized image to `count` with `original` set.
 */
export function maxSideSize(width: number, height: number, maxSide: number | undefined): MaxSideSize {
  if (maxSide !== undefined && maxSide !== 0 && !(Number.isInteger(maxSide) && maxSide > 0)) {
    throw new RangeError(`maxSide must be a positive integer number of pixels (or 0: no resize), got ${maxSide}`);
  }
  const longest = Math.max(width, height);
  if (maxSide === undefined || maxSide === 0 || longest <= maxSide) return { width, height, scale: 1 };
  const shorter = (side: number) => (side === longest ? maxSide : Math.max(1, Math.round((side * maxSide) / longest)));
  return { width: shorter(width), height: shorter(height), scale: maxSide / longest };
}
