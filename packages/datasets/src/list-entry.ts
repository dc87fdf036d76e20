/**
 * A list-file entry split into its path parts, whatever platform wrote it.
 *
 * - `'relative'`: `part_A/train_data/images/IMG_1.jpg`, `part_A\test_data\…`;
 * - `'absolute'`: `/data/ShanghaiTech/…` (POSIX), or `\data\…`;
 * - `'drive'`: `C:\Users\…`, `C:/Users/…`, `C:relative` (Windows, `root` the letter);
 * - `'unc'`: `\\server\share\…` (Windows network path, `root` the server and share).
 */
export interface ListEntryPath {
  kind: 'relative' | 'absolute' | 'drive' | 'unc';
  /** The drive letter (`'C'`) or the UNC `server/share`. */
  root?: string;
  /** The folder and file names in order; empty names and `.` are dropped, `..` kept. */
  parts: string[];
}

/**
 * Splits a list entry on `/` and `\` alike. Lists are written on one
 * platform and read on another (the reference's JSON lists hold whatever the
 * author's OS wrote), and no image of a dataset has a backslash in its name,
 * so `\` is always a separator here, on every platform.
 */
export function splitListEntry(entry: string): ListEntryPath {
  const drive = /^([A-Za-z]):/.exec(entry);
  if (drive !== null) return { kind: 'drive', root: drive[1].toUpperCase(), parts: names(entry.slice(2)) };
  // `//x` stays a POSIX absolute path; only backslashes make a UNC path.
  if (/^\\\\[^\\/]/.test(entry)) {
    const [server, share, ...rest] = names(entry);
    return { kind: 'unc', root: `${server}/${share ?? ''}`, parts: rest };
  }
  return { kind: /^[\\/]/.test(entry) ? 'absolute' : 'relative', parts: names(entry) };
}

function names(path: string): string[] {
  return path.split(/[\\/]+/).filter((name) => name !== '' && name !== '.');
}
