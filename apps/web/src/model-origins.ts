/**
 * Where the app may fetch a model from. A page cannot widen its own
 * Content-Security-Policy at run time, so the origins are fixed when the app
 * is built or served: the page's own origin, the hosts of the pretrained
 * models (GitHub release downloads, which redirect to GitHub's asset hosts)
 * and any listed in the `CROWD_MODEL_ORIGINS` environment variable. The same
 * list goes into the CSP's `connect-src` (see security-headers.ts) and into
 * the app, which refuses any other URL before fetching it.
 */

/** GitHub release downloads: `github.com/…/releases/download/…` redirects to one of the asset hosts. */
export const PRETRAINED_MODEL_ORIGINS: readonly string[] = Object.freeze([
  'https://github.com',
  'https://objects.githubusercontent.com',
  'https://release-assets.githubusercontent.com',
]);

/** The environment variable that adds origins: space- or comma-separated, e.g. `https://models.example.org http://localhost:8080`. */
export const MODEL_ORIGINS_VARIABLE = 'CROWD_MODEL_ORIGINS';

/** A `CROWD_MODEL_ORIGINS` entry that is not an origin; the message names it and shows the form expected. */
export class ModelOriginsError extends Error {
  override name = 'ModelOriginsError';
}

/**
 * The allowlist: {@link PRETRAINED_MODEL_ORIGINS} plus the origins in `extra`
 * (the variable's value), each checked to be exactly an http(s) origin
 * (scheme, host and port; no path), deduplicated, in order.
 */
export function modelOrigins(extra: string | undefined = ''): string[] {
  const origins = [...PRETRAINED_MODEL_ORIGINS];
  for (const entry of extra.split(/[\s,]+/).filter(Boolean)) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new ModelOriginsError(`${MODEL_ORIGINS_VARIABLE}: ${JSON.stringify(entry)} is not a URL; expected origins such as https://models.example.org or http://localhost:8080`);
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== entry.replace(/\/$/, '')) {
      throw new ModelOriginsError(`${MODEL_ORIGINS_VARIABLE}: ${JSON.stringify(entry)} is not an http(s) origin (scheme://host[:port], no path); did you mean ${url.protocol.startsWith('http') ? url.origin : 'https://…'}?`);
    }
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  return origins;
}

/** Why a model URL is refused before any request is made. */
export class ModelUrlRefused extends Error {
  override name = 'ModelUrlRefused';
}

/**
 * The absolute URL to fetch for `input` (relative URLs resolve against
 * `pageUrl`), or a {@link ModelUrlRefused} saying which origins are allowed,
 * how to add one and that a downloaded file can be picked instead. The
 * page's own origin is always allowed.
 */
export function checkModelUrl(input: string, pageUrl: string, allowed: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(input.trim(), pageUrl);
  } catch {
    throw new ModelUrlRefused(`${JSON.stringify(input)} is not a URL.`);
  }
  const own = new URL(pageUrl).origin;
  if (url.origin === own || allowed.includes(url.origin)) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ModelUrlRefused(`${url.href} is not an http(s) URL.`);
    return url;
  }
  throw new ModelUrlRefused(
    `${url.origin} is not an allowed model origin, so nothing was fetched. This app may load models only from ${[own, ...allowed].join(', ')}. ` +
      `To allow another origin, build or serve the app with ${MODEL_ORIGINS_VARIABLE}="${url.origin}" (the README explains). Or download the model and pick the file with "Load model files…".`,
  );
}
