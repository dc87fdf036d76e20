import { readdir } from 'node:fs/promises';

/**
 * Remembers folder contents during one discovery pass, so matching thousands
 * of images to their annotations costs one readdir per folder rather than one
 * stat per file.
 */
export class FolderListing {
  private readonly cache = new Map<string, Promise<ReadonlySet<string>>>();
  private readonly suffixes = new Map<string, Promise<boolean>>();

  /** Entry names of `dir`; empty when it does not exist or cannot be read. */
  names(dir: string): Promise<ReadonlySet<string>> {
    let names = this.cache.get(dir);
    if (names === undefined) {
      names = readdir(dir).then(
        (entries) => new Set(entries),
        () => new Set<string>(),
      );
      this.cache.set(dir, names);
    }
    return names;
  }

  /** Whether any entry of `dir` ends with `suffix` (answered once per folder and suffix). */
  hasEntryEndingWith(dir: string, suffix: string): Promise<boolean> {
    const key = `${suffix}\0${dir}`;
    let found = this.suffixes.get(key);
    if (found === undefined) {
      found = this.names(dir).then((names) => [...names].some((name) => name.endsWith(suffix)));
      this.suffixes.set(key, found);
    }
    return found;
  }
}
