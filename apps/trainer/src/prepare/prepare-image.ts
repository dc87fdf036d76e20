import { densityMapWithStats, type DensityOptions } from '@crowd/density';
import { readHeadPoints, readImageSize, writeDensityH5, type Sample } from '@crowd/datasets/node';

/** One image's work order, sent to a worker thread as plain data. */
export interface PrepareTask {
  sample: Sample;
  density: DensityOptions;
  /** The image pixel budget (datasets' `maxPixels`); the density map is as large as the image. */
  maxPixels?: number;
}

export type PrepareOutcome =
  | { status: 'written'; image: string; density: string; annotated: number; used: number; count: number; seconds: number }
  | { status: 'failed'; image: string; error: string };

/** Reads one image's head points and size, builds its density map and writes the reference-format `.h5`. */
export async function prepareImage({ sample, density, maxPixels }: PrepareTask): Promise<PrepareOutcome> {
  const started = performance.now();
  try {
    // Stored pixel order, as the annotations, the reference, training and eval see the image.
    const [points, size] = await Promise.all([readHeadPoints(sample), readImageSize(sample.image, { exifOrientation: false, maxPixels })]);
    const { map, headsUsed } = densityMapWithStats(points, size, density);
    await writeDensityH5(sample.density, map);
    let count = 0;
    for (const v of map.data) count += v;
    return {
      status: 'written',
      image: sample.image,
      density: sample.density,
      annotated: points.length / 2,
      used: headsUsed,
      count,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    return { status: 'failed', image: sample.image, error: error instanceof Error ? error.message : String(error) };
  }
}
