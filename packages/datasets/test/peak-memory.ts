/** 1 GiB, the peak a test of hostile input may reach. */
export const GIB = 1024 ** 3;

/**
 * This process's peak resident memory so far, in bytes. vitest runs each
 * test file in its own child process, so in a small file this is the peak of
 * that file's tests plus vitest's own (about 150–250 MB): a reader that
 * inflated or decoded what a crafted input declares (gigabytes) shows here
 * even when its buffers were freed before the test looked.
 */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}
