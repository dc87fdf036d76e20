/**
 * The estimated count with two decimals and thousands separators. CSRNet's
 * count is the sum of a real-valued density map, so it is shown as computed:
 * fractional, and negative when a model (e.g. an untrained test model)
 * outputs negative density.
 */
export function formatCount(count: number): string {
  if (!Number.isFinite(count)) return String(count);
  return count.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** Milliseconds as `812 ms` or `3.41 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Bytes as `512 B`, `3.2 KB`, `61.9 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
