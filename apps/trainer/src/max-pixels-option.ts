import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_MAX_PIXELS } from '@crowd/datasets';

/**
 * `--max-pixels <n>`, shared by the commands that size or decode images: the
 * most pixels (width × height) an image, and its density map, may have. An
 * image over it is refused from its header, before decoding, with an error
 * that names this flag.
 */
export function maxPixelsOption(): Option {
  return new Option('--max-pixels <n>', `largest image accepted, in pixels (width × height), checked on the header before decoding (default ${DEFAULT_MAX_PIXELS}, 100 MP)`).argParser(
    (value: string): number => {
      const n = Number(value);
      if (value.trim() === '' || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`--max-pixels must be a positive integer, got "${value}".`);
      return n;
    },
  );
}
