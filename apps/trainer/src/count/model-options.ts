import { InvalidArgumentError, Option, type Command } from 'commander';
import { CSRNET_VARIANT_DILATIONS } from '@crowd/csrnet/spec';
import { checkTiling, DEFAULT_TILE_MARGIN, OUTPUT_STRIDE } from '@crowd/count';

/** `--variant`, for PyTorch checkpoints (which do not record it). */
export function variantOption(): Option {
  return new Option('--variant <A|B|C|D>', 'back-end variant of a PyTorch checkpoint (paper table 3); tfjs models record theirs (default: B)').choices(
    Object.keys(CSRNET_VARIANT_DILATIONS)
  );
}

function multipleOf8(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n % OUTPUT_STRIDE !== 0)
      throw new InvalidArgumentError(`${name} must be a multiple of ${OUTPUT_STRIDE} pixels ≥ ${min}, got "${value}".`);
    return n;
  };
}

/** `--tile` and `--tile-margin`, shared by count and eval. */
export function tileOptions(): Option[] {
  return [
    new Option('--tile <px>', 'count in tiles of this side whenever the image is larger (default: 1024-px tiles above 2 megapixels)').argParser(
      multipleOf8('--tile', OUTPUT_STRIDE)
    ),
    new Option('--tile-margin <px>', `context around each tile's counted part; ≥ 144 makes tiled maps equal untiled ones`)
      .argParser(multipleOf8('--tile-margin', 0))
      .default(DEFAULT_TILE_MARGIN),
  ];
}

/** Refuses a `--tile` too small for `--tile-margin` as a usage error (exit code 2), before any work. */
export function checkTileFlags(command: Command, tile: number | undefined, margin: number): void {
  if (tile === undefined) return;
  try {
    checkTiling(tile, margin);
  } catch (error) {
    command.error(`error: ${(error as Error).message}`, { exitCode: 2, code: 'crowd.invalidTiling' });
  }
}
