import { resolveDensityOptions, type DensityOptions } from './options.js';
import { inImageHeads, preservingDensity } from './preserving-density.js';
import { referenceAdaptiveDensity, referenceFixedDensity } from './reference-density.js';
import { referenceGrid } from './reference-grid.js';
import type { DensityMap, DensityResult, HeadPoints, ImageSize } from './types.js';
import { checkImageSize, interleavePoints } from './validate.js';

/**
 * Builds the density map of `points` on a `size` image, and says how many
 * heads were used, dropped (outside the image) and merged (reference mode:
 * sharing a pixel). The map is Float32Array except in `'reference'` mode with
 * the fixed kernel, which returns the reference's Float64Array.
 */
export function densityMapWithStats(points: HeadPoints, size: ImageSize, options?: DensityOptions): DensityResult {
  const resolved = resolveDensityOptions(options);
  const { height, width } = checkImageSize(size);
  const xy = interleavePoints(points);

  if (resolved.mode === 'reference') {
    const grid = referenceGrid(xy, height, width);
    const data =
      resolved.kernel === 'adaptive'
        ? referenceAdaptiveDensity(grid.xy, height, width, resolved.k, resolved.beta, resolved.truncate)
        : referenceFixedDensity(grid.xy, height, width, resolved.sigma, resolved.truncate);
    return { map: { height, width, data }, headsUsed: grid.xy.length / 2, headsDropped: grid.dropped, headsMerged: grid.merged };
  }

  const heads = inImageHeads(xy, height, width);
  const data = preservingDensity(heads.xy, height, width, resolved);
  return { map: { height, width, data }, headsUsed: heads.xy.length / 2, headsDropped: heads.dropped, headsMerged: 0 };
}

/** {@link densityMapWithStats} without the counts. */
export function densityMap(points: HeadPoints, size: ImageSize, options?: DensityOptions): DensityMap {
  return densityMapWithStats(points, size, options).map;
}
