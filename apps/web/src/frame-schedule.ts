/**
 * Delay before the next camera frame: the interval minus the time the last
 * frame took, but at least `minGapMs`, so that a slow backend (a frame
 * taking longer than the interval) still leaves the page time to respond.
 */
export function nextFrameDelay(intervalMs: number, elapsedMs: number, minGapMs = 50): number {
  return Math.max(minGapMs, intervalMs - elapsedMs);
}

/** The camera interval from the input field: a whole number of ms, 100–60000, default 1000. */
export function parseInterval(value: string): number {
  const n = Math.round(Number(value));
  if (!Number.isFinite(n) || n <= 0) return 1000;
  return Math.min(60_000, Math.max(100, n));
}
