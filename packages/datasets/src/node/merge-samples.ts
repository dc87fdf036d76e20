import { naturalCompare } from '../natural-compare.js';
import type { Sample } from './sample.js';

/**
 * Concatenates sample lists (e.g. ShanghaiTech Part A and Part B), keeping the
 * first sample seen for each image path, in the same natural order
 * `findSamples` uses.
 */
export function mergeSamples(...lists: Sample[][]): Sample[] {
  const byImage = new Map<string, Sample>();
  for (const list of lists) {
    for (const sample of list) if (!byImage.has(sample.image)) byImage.set(sample.image, sample);
  }
  return [...byImage.values()].sort((a, b) => naturalCompare(a.image, b.image));
}
