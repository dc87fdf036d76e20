/**
 * SHA-256 of `bytes` as lowercase hex, through WebCrypto (Node ≥ 19 and
 * browsers in secure contexts), or `undefined` where WebCrypto is missing
 * (a page served over plain http), in which case callers skip the check.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) return undefined;
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
