import { writeAtomically } from '@crowd/datasets/node';
import sharp from 'sharp';
import { curveSvg } from '../curve-svg.js';
import type { EpochRecord } from '../records.js';
import { readLog } from './jsonl-log.js';

/**
 * Draws the loss / validation-MAE curve of a `log.jsonl` (its epoch records)
 * as a PNG: the SVG of `curveSvg`, rasterised by sharp (librsvg), written
 * atomically. Returns the number of epochs drawn.
 */
export async function writeCurve(logPath: string, pngPath: string, title?: string): Promise<number> {
  const epochs = readLog(logPath).filter((r): r is EpochRecord => r.type === 'epoch');
  await writeAtomically(pngPath, async (temp) => {
    await sharp(Buffer.from(curveSvg(epochs, title))).png().toFile(temp);
  });
  return epochs.length;
}
